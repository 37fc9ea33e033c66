// The clock every time-dependent part takes as an option, so tests can drive time by hand.

/** Milliseconds since the Unix epoch, like Date.now. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
