/** Short names for the generated schema types the views use. */
import type { components } from './schema'

type Schemas = components['schemas']

export type Experiment = Schemas['Experiment']
export type Run = Schemas['Run']
export type RunStatus = Run['status']
export type Me = Schemas['Me']
export type User = Schemas['User']
export type ViewType = NonNullable<Schemas['SearchRunsRequest']['view']>
export type ExperimentKeys = Schemas['ExperimentKeys']
export type Access = Schemas['Access']
export type Level = NonNullable<Access['level']>
