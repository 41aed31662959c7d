import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * A small builder for ONNX graphs written from TypeScript. Tensor names are generated; every
 * method returns the name of the value it creates, so graph code reads like the maths.
 *
 * GridSample's mode is spelled bilinear|nearest|bicubic up to opset 19 and linear|nearest|cubic
 * from 20; this project emits opset 18 (BitwiseAnd exists from 18; onnxruntime-node 1.30 accepts
 * 16-26, IR <= 13).
 */
export const OPSET = 18;
export const IR_VERSION = 8;

export type ElemType = 'float32' | 'int64' | 'int32' | 'uint32' | 'uint8' | 'bool';

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  uint32: onnx.TensorProto.DataType.UINT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export const ELEM_NAMES: Record<number, ElemType> = Object.fromEntries(
  Object.entries(ELEM).map(([k, v]) => [v, k as ElemType]),
) as Record<number, ElemType>;

/** A dimension: a number, or a symbolic name (dynamic). */
export type Dim = number | string;

export type AttrValue =
  | number
  | string
  | readonly number[]
  | { f: number }
  | { floats: readonly number[] }
  /** A one-element tensor (e.g. ConstantOfShape's value). */
  | { tensor: { type: 'float' | 'int32'; value: number } };

export class GraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private counter = 0;
  /**
   * Prefix of the node names added from now on (a graph's stage), so onnxruntime's profile
   * (bench/engineProfile.ts) can sum node times per stage. Names only: the maths is unchanged.
   */
  stage = '';

  constructor(private readonly name: string) {}

  private fresh(hint: string): string {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }

  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Marks `value` as a graph output named `name` (an Identity node gives it that name). */
  output(value: string, name: string, type: ElemType, dims: readonly Dim[]): void {
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [value], output: [name], name }));
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A constant tensor. */
  constF(values: readonly number[] | Float32Array, dims?: readonly number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.tensor(
      'float32',
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      dims ?? [data.length],
    );
  }

  constI(values: readonly number[], dims?: readonly number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.tensor('int64', new Uint8Array(data.buffer), dims ?? [values.length]);
  }

  /** A rank-0 int32 constant. */
  constI32(v: number): string {
    return this.tensor('int32', new Uint8Array(Int32Array.of(v).buffer), []);
  }

  /** A scalar (rank-0) float or int64 constant. */
  scalarF(v: number): string {
    return this.constF([v], []);
  }

  scalarI(v: number): string {
    return this.constI([v], []);
  }

  tensor(type: ElemType, raw: Uint8Array, dims: readonly number[]): string {
    const name = this.fresh('const');
    this.initializers.push(
      onnx.TensorProto.create({ name, dataType: ELEM[type], dims: [...dims], rawData: raw }),
    );
    return name;
  }

  /** Adds a node with one output; returns its name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}): string {
    return this.opN(opType, inputs, 1, attrs)[0]!;
  }

  /** Adds a node with `outputs` outputs (empty string inputs are "absent optional"). */
  opN(
    opType: string,
    inputs: readonly string[],
    outputs: number,
    attrs: Record<string, AttrValue> = {},
  ): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: [...inputs],
        output: outs,
        name: this.fresh(`${this.stage}n_${opType}`),
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outs;
  }

  // Shorthands for the elementwise maths the warp graphs are made of.
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  where(c: string, a: string, b: string): string {
    return this.op('Where', [c, a, b]);
  }

  toBytes(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'keypose',
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
      graph: onnx.GraphProto.create({
        name: this.name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElemType, dims: readonly Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: ELEM[type],
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

function attribute(name: string, v: AttrValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') {
    return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  }
  if (typeof v === 'number') {
    return Number.isInteger(v)
      ? onnx.AttributeProto.create({ name, type: T.INT, i: v })
      : onnx.AttributeProto.create({ name, type: T.FLOAT, f: v });
  }
  if ('f' in v) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.f });
  if ('floats' in v) return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...v.floats] });
  if ('tensor' in v) {
    const raw =
      v.tensor.type === 'float'
        ? new Uint8Array(Float32Array.of(v.tensor.value).buffer)
        : new Uint8Array(Int32Array.of(v.tensor.value).buffer);
    const t = onnx.TensorProto.create({
      dims: [1],
      dataType: v.tensor.type === 'float' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT32,
      rawData: raw,
    });
    return onnx.AttributeProto.create({ name, type: T.TENSOR, t });
  }
  return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...(v as readonly number[])] });
}
