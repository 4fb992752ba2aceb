// Keras 2.3.1's optimizers, ported line by line from keras/optimizers.py
// (https://github.com/keras-team/keras/blob/2.3.1/keras/optimizers.py): the
// base class's get_gradients, and SGD (momentum, nesterov), RMSprop and Adam
// with their `get_updates`, decorated with K.symbolic as there. Every backend
// call is the original's; Python's operators on tensors are spelled as the K
// functions they call (`self.rho * a` is K.multiply(this.rho, a)). Under
// K.symbolic, `K.update_add(this.iterations, 1)` is an update op that runs at
// each call of the K.function given `get_updates(...)`, as in TF1.
import * as K from '../../src/index.js';
import type { Tensor, UpdateOp, Variable } from '../../src/index.js';

export interface OptimizerOptions {
  clipnorm?: number;
  clipvalue?: number;
  decay?: number;
}

/** `norm` of all the gradients, clipped to `clipnorm` as Keras's `clip_norm` does. */
function clipNorm(g: Tensor, c: number, n: Tensor): Tensor {
  if (c <= 0) return g;
  return K.switch(K.greater_equal(n, c), K.divide(K.multiply(g, c), n), g);
}

export abstract class Optimizer {
  updates: (UpdateOp | Variable | [Variable, Tensor])[] = [];
  weights: Variable[] = [];
  readonly clipnorm: number | undefined;
  readonly clipvalue: number | undefined;

  constructor(options: OptimizerOptions) {
    this.clipnorm = options.clipnorm;
    this.clipvalue = options.clipvalue;
  }

  abstract get_updates(loss: Tensor, params: Variable[]): (UpdateOp | Variable | [Variable, Tensor])[];

  get_gradients(loss: Tensor, params: Variable[]): Tensor[] {
    const grads = K.gradients(loss, params);
    if (grads.some((g) => g === null)) {
      throw new Error(
        'An operation has `None` for gradient. Please make sure that all of your ops have a gradient defined (i.e. are differentiable).'
      );
    }
    let gs = grads as Tensor[];
    if (this.clipnorm !== undefined && this.clipnorm > 0) {
      const norm = K.sqrt(K.sum(K.stack(gs.map((g) => K.sum(K.square(g))))));
      gs = gs.map((g) => clipNorm(g, this.clipnorm!, norm));
    }
    if (this.clipvalue !== undefined && this.clipvalue > 0) {
      gs = gs.map((g) => K.clip(g, -this.clipvalue!, this.clipvalue!));
    }
    return gs;
  }
}

export class SGD extends Optimizer {
  readonly iterations: Variable;
  readonly learning_rate: Variable;
  readonly momentum: Variable;
  readonly decay: Variable;
  readonly initial_decay: number;
  readonly nesterov: boolean;

  constructor(learning_rate = 0.01, momentum = 0, nesterov = false, options: OptimizerOptions = {}) {
    super(options);
    this.initial_decay = options.decay ?? 0;
    [this.iterations, this.learning_rate, this.momentum, this.decay] = K.name_scope('SGD', () => [
      K.variable(0, 'int64', 'iterations'),
      K.variable(learning_rate, null, 'learning_rate'),
      K.variable(momentum, null, 'momentum'),
      K.variable(this.initial_decay, null, 'decay'),
    ]);
    this.nesterov = nesterov;
  }

  get_updates = K.symbolic((loss: Tensor, params: Variable[]) => {
    const grads = this.get_gradients(loss, params);
    this.updates = [K.update_add(this.iterations, 1)];

    let lr: Tensor = this.learning_rate;
    if (this.initial_decay > 0) {
      lr = K.multiply(lr, K.divide(1, K.add(1, K.multiply(this.decay, K.cast(this.iterations, K.dtype(this.decay))))));
    }
    // momentum
    const shapes = params.map((p) => K.int_shape(p) as number[]);
    const moments = shapes.map((shape, i) => K.zeros(shape, null, `moment_${i}`));
    this.weights = [this.iterations, ...moments];
    params.forEach((p, i) => {
      const g = grads[i]!;
      const m = moments[i]!;
      const v = K.subtract(K.multiply(this.momentum, m), K.multiply(lr, g)); // velocity
      this.updates.push(K.update(m, v));

      const new_p = this.nesterov ? K.subtract(K.add(p, K.multiply(this.momentum, v)), K.multiply(lr, g)) : K.add(p, v);
      this.updates.push(K.update(p, new_p));
    });
    return this.updates;
  });
}

export class RMSprop extends Optimizer {
  readonly iterations: Variable;
  readonly learning_rate: Variable;
  readonly rho: Variable;
  readonly decay: Variable;
  readonly initial_decay: number;
  readonly epsilon: number;

  constructor(learning_rate = 0.001, rho = 0.9, options: OptimizerOptions & { epsilon?: number } = {}) {
    super(options);
    this.initial_decay = options.decay ?? 0;
    this.epsilon = options.epsilon ?? K.epsilon();
    [this.learning_rate, this.rho, this.decay, this.iterations] = K.name_scope('RMSprop', () => [
      K.variable(learning_rate, null, 'learning_rate'),
      K.variable(rho, null, 'rho'),
      K.variable(this.initial_decay, null, 'decay'),
      K.variable(0, 'int64', 'iterations'),
    ]);
  }

  get_updates = K.symbolic((loss: Tensor, params: Variable[]) => {
    const grads = this.get_gradients(loss, params);
    const accumulators = params.map((p, i) => K.zeros(K.int_shape(p) as number[], K.dtype(p), `accumulator_${i}`));
    this.weights = [this.iterations, ...accumulators];
    this.updates = [K.update_add(this.iterations, 1)];

    let lr: Tensor = this.learning_rate;
    if (this.initial_decay > 0) {
      lr = K.multiply(lr, K.divide(1, K.add(1, K.multiply(this.decay, K.cast(this.iterations, K.dtype(this.decay))))));
    }
    params.forEach((p, i) => {
      const g = grads[i]!;
      const a = accumulators[i]!;
      // update accumulator
      const new_a = K.add(K.multiply(this.rho, a), K.multiply(K.subtract(1, this.rho), K.square(g)));
      this.updates.push(K.update(a, new_a));
      const new_p = K.subtract(p, K.divide(K.multiply(lr, g), K.add(K.sqrt(new_a), this.epsilon)));
      this.updates.push(K.update(p, new_p));
    });
    return this.updates;
  });
}

export class Adam extends Optimizer {
  readonly iterations: Variable;
  readonly learning_rate: Variable;
  readonly beta_1: Variable;
  readonly beta_2: Variable;
  readonly decay: Variable;
  readonly initial_decay: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(
    learning_rate = 0.001,
    beta_1 = 0.9,
    beta_2 = 0.999,
    amsgrad = false,
    options: OptimizerOptions & { epsilon?: number } = {}
  ) {
    super(options);
    this.initial_decay = options.decay ?? 0;
    this.epsilon = options.epsilon ?? K.epsilon();
    [this.iterations, this.learning_rate, this.beta_1, this.beta_2, this.decay] = K.name_scope('Adam', () => [
      K.variable(0, 'int64', 'iterations'),
      K.variable(learning_rate, null, 'learning_rate'),
      K.variable(beta_1, null, 'beta_1'),
      K.variable(beta_2, null, 'beta_2'),
      K.variable(this.initial_decay, null, 'decay'),
    ]);
    this.amsgrad = amsgrad;
  }

  get_updates = K.symbolic((loss: Tensor, params: Variable[]) => {
    const grads = this.get_gradients(loss, params);
    this.updates = [K.update_add(this.iterations, 1)];

    let lr: Tensor = this.learning_rate;
    if (this.initial_decay > 0) {
      lr = K.multiply(lr, K.divide(1, K.add(1, K.multiply(this.decay, K.cast(this.iterations, K.dtype(this.decay))))));
    }
    const t = K.add(K.cast(this.iterations, K.floatx()), 1);
    const lr_t = K.multiply(
      lr,
      K.divide(K.sqrt(K.subtract(1, K.pow(this.beta_2, t))), K.subtract(1, K.pow(this.beta_1, t)))
    );

    const ms = params.map((p, i) => K.zeros(K.int_shape(p) as number[], K.dtype(p), `m_${i}`));
    const vs = params.map((p, i) => K.zeros(K.int_shape(p) as number[], K.dtype(p), `v_${i}`));
    const vhats = this.amsgrad
      ? params.map((p, i) => K.zeros(K.int_shape(p) as number[], K.dtype(p), `vhat_${i}`))
      : params.map((_p, i) => K.zeros(1, null, `vhat_${i}`));
    this.weights = [this.iterations, ...ms, ...vs, ...vhats];

    params.forEach((p, i) => {
      const g = grads[i]!;
      const [m, v, vhat] = [ms[i]!, vs[i]!, vhats[i]!];
      const m_t = K.add(K.multiply(this.beta_1, m), K.multiply(K.subtract(1, this.beta_1), g));
      const v_t = K.add(K.multiply(this.beta_2, v), K.multiply(K.subtract(1, this.beta_2), K.square(g)));
      let p_t: Tensor;
      if (this.amsgrad) {
        const vhat_t = K.maximum(vhat, v_t);
        p_t = K.subtract(p, K.divide(K.multiply(lr_t, m_t), K.add(K.sqrt(vhat_t), this.epsilon)));
        this.updates.push(K.update(vhat, vhat_t));
      } else {
        p_t = K.subtract(p, K.divide(K.multiply(lr_t, m_t), K.add(K.sqrt(v_t), this.epsilon)));
      }
      this.updates.push(K.update(m, m_t));
      this.updates.push(K.update(v, v_t));
      this.updates.push(K.update(p, p_t));
    });
    return this.updates;
  });
}
