// ktape: the keras.backend API, the same for every platform: src/index.ts
// (Node) and src/browser.ts (browsers) register theirs, then export this.
// The primitive table and the dispatcher (with the cpu and gpu.js backends; the
// GPU is made on first use) register themselves with apply when loaded.
import './prims/table.js';
import './device/dispatcher.js';
export { ValueError, TypeError } from './core/errors.js';
export {
  epsilon,
  set_epsilon,
  floatx,
  set_floatx,
  image_data_format,
  set_image_data_format,
  get_uid,
  reset_uids,
  backend,
} from './core/config.js';
export type { DType } from './core/dtype.js';
export { Tensor, Variable, Placeholder } from './core/tensor.js';
export type { TensorLike } from './core/convert.js';
export { gradients, stop_gradient } from './grad/gradients.js';
export {
  no_grad,
  custom_gradient,
  checkpoint,
  type GradFn,
  type GradFnOptions,
  type CustomGrads,
} from './grad/custom.js';
export { vjp, jvp, hessian_vector_product, jacobian, hessian } from './grad/transforms.js';
export { vmap, per_example_gradients, type Axis, type AxisSpec } from './grad/vmap.js';
export {
  trace,
  explain,
  Tape,
  type TapeNode,
  type TapeLeaf,
  type TapeRef,
  type TraceInputs,
  type ExplainOptions,
  type Explanation,
  type ExplainStep,
  type LeafKind,
} from './teach/index.js';
export * from './ops/math.js';
export * from './ops/reduce.js';
export * from './ops/shape.js';
export * from './ops/linalg.js';
export * from './ops/nn.js';
export * from './ops/losses.js';
export * from './ops/normalization.js';
export {
  variable,
  get_value,
  batch_get_value,
  set_value,
  batch_set_value,
  update,
  update_add,
  update_sub,
  moving_average_update,
  UpdateOp,
  type Constraint,
  type VariableOptions,
} from './ops/variables.js';
export {
  constant,
  zeros,
  ones,
  eye,
  zeros_like,
  ones_like,
  type ConstantOptions,
  type DTypeNameOptions,
} from './ops/creation.js';
export { count_params, int_shape, ndim, dtype, shape } from './ops/queries.js';
export { cast, cast_to_floatx } from './ops/cast.js';
export * from './ops/random.js';
export * from './ops/indexing.js';
export * from './ops/scan.js';
export * from './ops/image.js';
export * from './ops/print.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/local_conv.js';
export * from './ops/control.js';
export * from './ops/ctc.js';
export { evaluate as eval } from './ops/queries.js';
export * from './ops/device.js';
export * from './ops/threads.js';
export * from './ops/session.js';
export { SparseTensor } from './core/sparse.js';
export { is_sparse, to_dense, type CooValue } from './ops/sparse.js';
export {
  kswitch as switch,
  learning_phase,
  set_learning_phase,
  learning_phase_scope,
  in_train_phase,
  in_test_phase,
  type Branch,
  type Training,
  type PhaseOptions,
} from './ops/phase.js';
export {
  placeholder,
  is_keras_tensor,
  kfunction as function,
  type PlaceholderOptions,
  type Update,
} from './ops/graph.js';
export {
  executing_eagerly,
  disable_eager_execution,
  enable_eager_execution,
  graph_mode,
  symbolic,
} from './ops/execution.js';
export type { SparseTensorValue } from './ops/read.js';
export { detect_anomaly, AnomalyError, type AnomalyOp } from './debug/anomaly.js';
export {
  track_tensors,
  leak_mark,
  leak_report,
  type LeakReport,
  type LeakSite,
  type LeakReportOptions,
} from './debug/leaks.js';

// Each Keras function names itself in its errors and listings (`keras(abs, ...)`
// in abs's body): its public name is the one exported here.
import * as anomalyModule from './debug/anomaly.js';
import * as gradientsModule from './grad/gradients.js';
import * as transformsModule from './grad/transforms.js';
import * as vmapModule from './grad/vmap.js';
import * as customModule from './grad/custom.js';
import * as castModule from './ops/cast.js';
import * as controlModule from './ops/control.js';
import * as convModule from './ops/conv.js';
import * as creationModule from './ops/creation.js';
import * as ctcModule from './ops/ctc.js';
import * as deviceModule from './ops/device.js';
import * as executionModule from './ops/execution.js';
import * as graphModule from './ops/graph.js';
import * as imageModule from './ops/image.js';
import * as indexingModule from './ops/indexing.js';
import * as linalgModule from './ops/linalg.js';
import * as localConvModule from './ops/local_conv.js';
import * as lossesModule from './ops/losses.js';
import * as mathModule from './ops/math.js';
import * as nnModule from './ops/nn.js';
import * as normalizationModule from './ops/normalization.js';
import * as phaseModule from './ops/phase.js';
import * as poolModule from './ops/pool.js';
import * as printModule from './ops/print.js';
import * as queriesModule from './ops/queries.js';
import * as randomModule from './ops/random.js';
import * as reduceModule from './ops/reduce.js';
import * as scanModule from './ops/scan.js';
import * as sessionModule from './ops/session.js';
import * as shapeModule from './ops/shape.js';
import * as sparseModule from './ops/sparse.js';
import * as threadsModule from './ops/threads.js';
import * as variablesModule from './ops/variables.js';
import * as explainModule from './teach/explain.js';
import * as traceModule from './teach/trace.js';
import * as leaksModule from './debug/leaks.js';
import { nameKerasFunctions } from './core/context.js';
import { kswitch } from './ops/phase.js';
import { kfunction } from './ops/graph.js';
import { evaluate } from './ops/queries.js';

nameKerasFunctions({ switch: kswitch, function: kfunction, eval: evaluate });
for (const m of [
  anomalyModule,
  gradientsModule,
  transformsModule,
  vmapModule,
  customModule,
  castModule,
  controlModule,
  convModule,
  creationModule,
  ctcModule,
  deviceModule,
  executionModule,
  graphModule,
  imageModule,
  indexingModule,
  linalgModule,
  localConvModule,
  lossesModule,
  mathModule,
  nnModule,
  normalizationModule,
  phaseModule,
  poolModule,
  printModule,
  queriesModule,
  randomModule,
  reduceModule,
  scanModule,
  sessionModule,
  shapeModule,
  sparseModule,
  threadsModule,
  variablesModule,
  explainModule,
  traceModule,
  leaksModule,
])
  nameKerasFunctions(m);
