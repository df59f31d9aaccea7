// The part of camunda-external-task-client-js (a dev dependency, untyped) the external-task tests use.
declare module 'camunda-external-task-client-js' {
  export interface RequestConfig {
    headers?: Record<string, string>;
    [key: string]: unknown;
  }
  export interface ClientOptions {
    baseUrl: string;
    workerId?: string;
    maxTasks?: number;
    interval?: number;
    lockDuration?: number;
    asyncResponseTimeout?: number;
    autoPoll?: boolean;
    usePriority?: boolean;
    interceptors?: Array<(config: RequestConfig) => RequestConfig> | ((config: RequestConfig) => RequestConfig);
    use?: unknown;
  }
  export class Variables {
    set(name: string, value: unknown): this;
    setTyped(name: string, typed: { value: unknown; type: string; valueInfo?: Record<string, unknown> }): this;
    get(name: string): unknown;
    getAll(): Record<string, unknown>;
  }
  export interface Task {
    id: string;
    topicName: string;
    workerId: string;
    retries: number | null;
    errorMessage: string | null;
    processInstanceId: string;
    activityId: string;
    businessKey: string | null;
    priority: number;
    variables: Variables;
  }
  export interface TaskService {
    complete(task: Task, variables?: Variables, localVariables?: Variables): Promise<void>;
    handleFailure(task: Task, options: { errorMessage?: string; errorDetails?: string; retries?: number; retryTimeout?: number }): Promise<void>;
    handleBpmnError(task: Task, errorCode: string, errorMessage?: string, variables?: Variables): Promise<void>;
    extendLock(task: Task, newDuration: number): Promise<void>;
    unlock(task: Task): Promise<void>;
  }
  export class Client {
    constructor(options: ClientOptions);
    subscribe(topic: string, handler: (args: { task: Task; taskService: TaskService }) => Promise<void> | void): { unsubscribe(): void };
    subscribe(topic: string, options: Record<string, unknown>, handler: (args: { task: Task; taskService: TaskService }) => Promise<void> | void): { unsubscribe(): void };
    start(): void;
    stop(): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
