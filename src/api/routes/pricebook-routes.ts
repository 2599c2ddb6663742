import type { ModuleDeps } from '../module-deps.ts';
import type { RouteRegistry } from '../route.ts';

export function registerPricebookRoutes(_routes: RouteRegistry, _deps: ModuleDeps): void {}
