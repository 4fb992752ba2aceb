// Hostile values, by the kind of argument they replace: every one of them is
// invalid wherever a signature puts that kind, so a call given one must throw
// a K.ValueError or K.TypeError naming the function, and change nothing.
import ndarray from 'ndarray';
import * as K from '../../src/index.js';
import type { Kind, Slot } from './draw.js';

export interface Hostile {
  /** The class of bad input, as README's Reliability section counts them. */
  cls: string;
  make: () => unknown;
}

function deep(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const forged = (): Hostile => ({ cls: 'forged tensor', make: () => Object.create(K.Tensor.prototype) });
const disposed = (): Hostile => ({
  cls: 'disposed tensor',
  make: () => {
    const t = K.constant([1, 2, 3]);
    K.dispose(t);
    return t;
  },
});
const tensorLikes: Hostile[] = [
  forged(),
  disposed(),
  { cls: 'nesting deeper than rank 254', make: () => deep(300) },
  { cls: 'nesting 10,000 deep', make: () => deep(10_000) },
  { cls: 'ragged nested array', make: () => [[1, 2], [3]] },
  { cls: 'ndarray with a NaN shape', make: () => ndarray(new Float32Array(4), [Number.NaN]) },
  { cls: 'ndarray with a negative shape', make: () => ndarray(new Float32Array(4), [-2]) },
  { cls: 'ndarray with a huge shape', make: () => ndarray(new Float32Array(4), [1e9, 1e9]) },
  { cls: 'ndarray strides past its buffer', make: () => ndarray(new Float32Array(4), [4], [3]) },
  { cls: 'ndarray offset past its buffer', make: () => ndarray(new Float32Array(4), [4], [1], 2) },
  { cls: 'BigInt', make: () => 1n },
  { cls: 'BigInt in a list', make: () => [1, 2n] },
  { cls: 'symbol', make: () => Symbol('x') },
  { cls: 'string', make: () => 'abc' },
  { cls: 'function', make: () => () => 1 },
  { cls: 'array-like object', make: () => ({ length: 2, 0: 1, 1: 2 }) },
];
const sparse: Hostile = {
  cls: 'sparse where dense is expected',
  make: () => K.variable({ indices: [[0, 0]], values: [1], dense_shape: [2, 2] }),
};
const ints: Hostile[] = [
  { cls: 'NaN integer', make: () => Number.NaN },
  { cls: 'fractional integer', make: () => 1.5 },
  { cls: 'BigInt integer', make: () => 1n },
  { cls: 'string integer', make: () => '1' },
  { cls: 'infinite integer', make: () => Number.POSITIVE_INFINITY },
  { cls: 'unsafe integer', make: () => 2 ** 60 },
  { cls: 'symbol', make: () => Symbol('n') },
];
const axes: Hostile[] = [
  ...ints,
  { cls: 'axis out of range', make: () => 99 },
  { cls: 'axis out of range', make: () => -99 },
];
const lists: Hostile[] = [
  { cls: 'NaN in a list', make: () => [Number.NaN] },
  { cls: 'negative size', make: () => [-2] },
  { cls: 'fractional size', make: () => [1.5, 2] },
  { cls: 'BigInt in a list', make: () => [1n] },
  { cls: 'list longer than rank 254', make: () => new Array(300).fill(1) },
  { cls: 'string', make: () => 'abc' },
  { cls: 'sparse array hole', make: () => Object.assign(new Array(3), { 0: 1, 2: 2 }) },
];
const shapes: Hostile[] = [
  ...lists,
  { cls: 'size no typed array holds', make: () => [1e9, 1e9] },
  { cls: 'size no typed array holds', make: () => [2 ** 53] },
  { cls: 'unsafe integer', make: () => [2 ** 60, 0] },
];
const bools: Hostile[] = [
  { cls: 'non-boolean flag', make: () => 'yes' },
  { cls: 'non-boolean flag', make: () => 2 },
];
const dtypes: Hostile[] = [
  { cls: 'unknown dtype', make: () => 'float65' },
  { cls: 'unknown dtype', make: () => 7 },
];
const names: Hostile[] = [
  { cls: 'non-string name', make: () => 5 },
  { cls: 'non-string name', make: () => Symbol('n') },
];
const enums: Hostile[] = [
  { cls: 'unknown option value', make: () => 'bogus' },
  { cls: 'unknown option value', make: () => 5 },
];
const optionObjects: Hostile[] = [
  { cls: 'unknown option key', make: () => ({ bogus: 1 }) },
  { cls: '__proto__ key', make: () => JSON.parse('{"__proto__": {"polluted": 1}}') },
  { cls: 'constructor key', make: () => ({ constructor: 1 }) },
  { cls: 'toString key', make: () => ({ toString: 1 }) },
];
const fns: Hostile[] = [
  { cls: 'not a function', make: () => 5 },
  { cls: 'not a function', make: () => 'f' },
];
const variables: Hostile[] = [
  { cls: 'tensor where a variable is needed', make: () => K.constant([1, 2]) },
  { cls: 'forged variable', make: () => Object.create(K.Variable.prototype) },
  { cls: 'placeholder where a variable is needed', make: () => K.placeholder([2]) },
  forged(),
  { cls: 'number where a variable is needed', make: () => 3 },
];

/**
 * Hostile values for a slot. A plain object in any slot that is not a tensor
 * reads as Keras's keyword arguments (CONVENTIONS.md), so the option-key
 * classes apply to every such slot: an unknown or inherited key must be refused.
 */
export function hostileFor(slot: Slot): Hostile[] {
  const plain = scalarHostile(slot.kind);
  if (plain !== null) return slot.kind === 'options' ? plain : [...plain, ...optionObjects];
  let base = tensorHostile(slot.kind, slot.sparse === true, slot.callable === true);
  if (slot.passThrough) base = base.filter((h) => !PASSED_THROUGH.includes(h.cls));
  return slot.sameDtype ? [...base, mixed] : base;
}

/** What trace hands its function as it is (see its @param inputs). */
const PASSED_THROUGH = ['string', 'function', 'array-like object'];

const mixed: Hostile = { cls: 'mixed dtypes', make: () => K.constant([1, 2], 'int32') };

function scalarHostile(kind: Kind): Hostile[] | null {
  switch (kind) {
    case 'int':
      return ints;
    case 'axis':
      return axes;
    case 'ints':
      return lists;
    case 'axes':
      return [...lists.filter((h) => h.cls !== 'negative size'), { cls: 'axis out of range', make: () => [99] }];
    case 'shape':
      return shapes;
    case 'bool':
      return bools;
    case 'dtype':
      return dtypes;
    case 'name':
      return names;
    case 'enum':
      return enums;
    case 'options':
      return optionObjects;
    case 'fn':
      return fns;
    default:
      return null;
  }
}

function tensorHostile(kind: Kind, sparseOk: boolean, callableOk: boolean): Hostile[] {
  switch (kind) {
    case 'tensor': {
      const values = callableOk ? tensorLikes.filter((h) => h.cls !== 'function') : tensorLikes;
      return sparseOk ? values : [...values, sparse];
    }
    case 'tensors':
      return [
        { cls: 'not a list', make: () => 5 },
        ...tensorLikes
          .filter((h) => h.cls !== 'string')
          .map((h) => ({ cls: `${h.cls} in a list`, make: () => [h.make()] })),
      ];
    case 'value':
      return [...tensorLikes, { cls: 'placeholder where a value is needed', make: () => K.placeholder([2]) }];
    case 'variable':
      return variables;
    default:
      return [];
  }
}
