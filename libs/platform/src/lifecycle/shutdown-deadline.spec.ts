import { EventEmitter } from 'node:events';
import { exitIfShutdownHangs } from './shutdown-deadline';

describe('exitIfShutdownHangs', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const fakeProcess = () => {
    const emitter = new EventEmitter();
    const exit = jest.fn();
    return {
      proc: Object.assign(emitter, { exit }) as unknown as Pick<NodeJS.Process, 'once' | 'exit'>,
      emitter,
      exit,
    };
  };

  it('given a SIGTERM, when the close has not finished by the deadline, then it exits 1 with one line', () => {
    const { proc, emitter, exit } = fakeProcess();
    const lines: string[] = [];
    exitIfShutdownHangs((l) => lines.push(l), 1000, proc);
    emitter.emit('SIGTERM');
    jest.advanceTimersByTime(999);
    expect(exit).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines).toEqual(['shutdown did not finish within 1000 ms of SIGTERM: exiting']);
  });

  it('given no signal, then nothing happens however long it runs', () => {
    const { proc, exit } = fakeProcess();
    exitIfShutdownHangs(() => undefined, 1000, proc);
    jest.advanceTimersByTime(60_000);
    expect(exit).not.toHaveBeenCalled();
  });

  it('given SIGINT then SIGTERM, then the deadline runs from the first signal, once', () => {
    const { proc, emitter, exit } = fakeProcess();
    const lines: string[] = [];
    exitIfShutdownHangs((l) => lines.push(l), 1000, proc);
    emitter.emit('SIGINT');
    jest.advanceTimersByTime(600);
    emitter.emit('SIGTERM');
    jest.advanceTimersByTime(400);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(lines).toEqual(['shutdown did not finish within 1000 ms of SIGINT: exiting']);
  });

  it('given two apps in one process, then one deadline and one line', () => {
    const { proc, emitter, exit } = fakeProcess();
    const lines: string[] = [];
    exitIfShutdownHangs((l) => lines.push(l), 1000, proc);
    exitIfShutdownHangs((l) => lines.push(l), 1000, proc);
    expect(emitter.listenerCount('SIGTERM')).toBe(1);
    emitter.emit('SIGTERM');
    jest.advanceTimersByTime(1000);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(1);
  });
});
