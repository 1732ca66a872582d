import { stopPostgresForRun } from './postgres-setup';

export default stopPostgresForRun;
