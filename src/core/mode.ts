// Eager or graph building. Eager (the default, TF2's) runs every op when called.
// Graph building (TF1's, or TF2 after tf.compat.v1.disable_eager_execution(),
// which is how Keras 2 programs train) records what must run later instead:
// updates with concrete operands wait for K.function, the learning phase is a
// graph input, and K.eval runs the graph anew. Ops on values still compute
// their value at once (a constant-folded graph gives the same numbers).

let graphBuilding = false;

/** Whether ops run eagerly (false while a graph is being built). */
export function eagerly(): boolean {
  return !graphBuilding;
}

/** Switch graph building on or off for the rest of the session. */
export function setGraphBuilding(on: boolean): void {
  graphBuilding = on;
}

/** Run `body` building a graph (or eagerly), then restore the mode before. */
export function inMode<T>(graph: boolean, body: () => T): T {
  const was = graphBuilding;
  graphBuilding = graph;
  try {
    return body();
  } finally {
    graphBuilding = was;
  }
}
