// The PostgreSQL actions, over the databases named under targets.postgres in firebreak.yaml.
import type { PostgresTargets } from "../../ports/postgres-target.js";
import type { ActionDefinition } from "../action-registry.js";
import { dropIndexAction } from "./postgres-drop-index.js";
import { findInvalidIndexesAction } from "./postgres-find-invalid-indexes.js";
import { rebuildIndexAction, type RebuildIndexOptions } from "./postgres-rebuild-index.js";
import { verifyIndexValidAction } from "./postgres-verify-index-valid.js";

export function postgresActions(targets: PostgresTargets, options: RebuildIndexOptions = {}): ActionDefinition[] {
  return [findInvalidIndexesAction(targets), rebuildIndexAction(targets, options), verifyIndexValidAction(targets), dropIndexAction(targets)];
}
