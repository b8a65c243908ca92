// The event-sourcing kit shared by every capability: stream registry wiring, command handling, checkpoints,
// projection helpers, provided once by EventSourcingModule. Filled by the structure step (issue 14).
export * from './event-store/open-event-store';
