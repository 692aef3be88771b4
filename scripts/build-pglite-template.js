// Part of `npm run build`: writes dist/pglite-template.tar.gz (see src/adapters/store/pglite-template.ts).
import { writePgliteTemplate } from "../dist/adapters/store/pglite-template.js";

const file = await writePgliteTemplate();
console.log(`wrote ${file}`);
