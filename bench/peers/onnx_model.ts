// A small ONNX model writer: enough of the protobuf wire format and of
// onnx.proto's messages (ModelProto, GraphProto, NodeProto, TensorProto,
// ValueInfoProto) to state the bench's float32 inference graphs in code.
// Field numbers are onnx.proto's; messages are written as length-delimited
// fields, integers as varints.

/** Protobuf bytes, built field by field. */
class Writer {
  private readonly bytes: number[] = [];

  private varint(v: number): void {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (n > 0n);
  }

  private tag(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(Float32Array.of(v).buffer);
    this.bytes.push(...b);
    return this;
  }

  raw(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): this {
    return this.raw(field, m.done());
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT

export type Attr = number | number[] | string;

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, Attr>;
}

export interface OnnxGraph {
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  /** Constant float32 tensors (weights). */
  initializers: { name: string; shape: number[]; data: Float32Array }[];
  nodes: OnnxNode[];
}

function attribute(name: string, v: Attr): Writer {
  const a = new Writer().string(1, name);
  // AttributeProto.type: FLOAT 1, INT 2, STRING 3, INTS 7.
  if (typeof v === 'string') return a.raw(4, new TextEncoder().encode(v)).int(20, 3);
  if (Array.isArray(v)) {
    for (const x of v) a.int(8, x);
    return a.int(20, 7);
  }
  return Number.isInteger(v) ? a.int(3, v).int(20, 2) : a.float(2, v).int(20, 1);
}

function valueInfo(name: string, shape: number[]): Writer {
  const dims = new Writer();
  for (const d of shape) dims.message(1, new Writer().int(1, d));
  const tensor = new Writer().int(1, FLOAT).message(2, dims);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensor));
}

/** The model's bytes, for `InferenceSession.create`. */
export function onnxModel(g: OnnxGraph, opset = 13): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => {
    const node = new Writer();
    for (const x of n.inputs) node.string(1, x);
    for (const y of n.outputs) node.string(2, y);
    node.string(3, `${n.op.toLowerCase()}_${i}`).string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) node.message(5, attribute(k, v));
    graph.message(1, node);
  });
  graph.string(2, 'bench');
  for (const t of g.initializers) {
    const tensor = new Writer();
    for (const d of t.shape) tensor.int(1, d);
    tensor
      .int(2, FLOAT)
      .string(8, t.name)
      .raw(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    graph.message(5, tensor);
  }
  for (const x of g.inputs) graph.message(11, valueInfo(x.name, x.shape));
  for (const y of g.outputs) graph.message(12, valueInfo(y.name, y.shape));
  // ir_version 8 (ONNX 1.10+), the default domain at `opset`.
  return new Writer()
    .int(1, 8)
    .string(2, 'ktape-bench')
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, opset))
    .done();
}
