export * from './stream-command.types';
export {
  DEFAULT_MAX_ATTEMPTS,
  type CommandHandlingEnv,
  decideOnStream,
  handleStreamCommand,
  loadStream,
  readAndFold,
} from './handle-stream-command';
export { commandHandlingEnv, StreamCommands } from './stream-commands';
export { commandMetadata } from './command-metadata';
export { newEntityId } from './entity-id';
