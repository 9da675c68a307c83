import { installSpawner } from '../../remote/spawn.js';
import { actionsSpawner } from '../exec.js';
import { run } from './main.js';

installSpawner(actionsSpawner);
await run();
