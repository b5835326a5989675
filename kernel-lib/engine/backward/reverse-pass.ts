/**
 * Reverse-mode differentiation of a recorded forward graph, appended to the same OnnxGraph: the
 * nodes are walked last to first, each op's vector-Jacobian rule (vjp-*.ts) turns the gradients
 * of its outputs into gradients of its inputs, and a value read by several nodes gets the sum of
 * its contributions (so a tied embedding receives both its Gather's and its head's gradient).
 * Only values that depend on a `wrt` input get gradients; constant paths (masks, tables,
 * shape constants) get none.
 *
 * Order: when the gradient leaves a block (`blocks`: each block's nodes, input and output), it is
 * made to depend on that block's parameter gradients (dIn + 0 * sum(dW)), so they are computed
 * while the block's activations are still needed anyway; onnxruntime's default order would leave
 * every weight-gradient product to the end and keep all activations and gradients alive.
 *
 * Recomputation (`recompute`): the backward of a block first re-emits that block's forward nodes under new names
 * from its input, made to depend on the gradient arriving at the segment's output
 * (x' = x + 0 * sum(dOut)). Only that dependence makes onnxruntime run the copy when the
 * backward reaches it (not early, next to the original) and keeps its common-subexpression pass
 * from merging the copy with the original; so the block's forward activations are freed after
 * the forward and live again only while the block's backward runs.
 */
import { i, type GraphNode, type OnnxGraph } from '../onnx-graph.ts';
import { StaticShapes } from './static-shapes.ts';
import type { VjpContext, VjpRule } from './vjp-context.ts';
import { elementwiseRules } from './vjp-elementwise.ts';
import { layerRules } from './vjp-layers.ts';
import { structuralRules } from './vjp-structural.ts';

const RULES: Readonly<Record<string, VjpRule>> = { ...elementwiseRules, ...layerRules, ...structuralRules };

/** A run of forward nodes [from, to) whose only activation input is `input` and whose result is `output`. */
export interface Segment { readonly from: number; readonly to: number; readonly input: string; readonly output: string }

export interface ReversePassOptions {
  /** Values of the forward graph and their incoming gradients (the loss head's). */
  readonly seeds: ReadonlyMap<string, string>;
  /** Graph inputs to differentiate with respect to (the parameters). */
  readonly wrt: readonly string[];
  /** Forward nodes [0, forwardEnd) are differentiated. */
  readonly forwardEnd: number;
  /** The decoder blocks (ascending, disjoint, inside [0, forwardEnd)). */
  readonly blocks?: readonly Segment[];
  /** Recompute each block's forward in its backward instead of keeping its activations. */
  readonly recompute?: boolean;
}

/** Appends the backward nodes to `g`; returns the gradient value of each `wrt` input a seed reaches. */
export function addReversePass(g: OnnxGraph, o: ReversePassOptions): Map<string, string> {
  const nodes = g.nodeList(0, o.forwardEnd);
  const shapes = new StaticShapes(g);
  const active = new Set(o.wrt);
  for (const n of nodes) {
    shapes.infer(n);
    if (!n.inputs.some((x) => active.has(x))) continue;
    if (!RULES[n.opType]) throw new Error(`backward graph ${g.name}: no gradient rule for op ${n.opType} (node output ${n.outputs[0]}), which depends on the parameters`);
    for (const y of n.outputs) active.add(y);
  }
  const c: VjpContext = { g, shapes };
  const wrt = new Set(o.wrt);
  let touched = new Set<string>();
  const parts = new Map<string, string[]>();
  const add = (v: string, d: string) => { if (!parts.has(v)) parts.set(v, []); parts.get(v)!.push(d); if (wrt.has(v)) touched.add(v); };
  const total = (v: string): string | undefined => {
    const p = parts.get(v);
    if (!p || p.length === 0) return undefined;
    if (p.length > 1) parts.set(v, [g.op('Sum', p)]);
    return parts.get(v)![0];
  };
  for (const [v, d] of o.seeds) add(v, d);

  const walk = (list: readonly GraphNode[]) => {
    for (let k = list.length - 1; k >= 0; k--) {
      const n = list[k]!;
      const need = n.inputs.map((x) => active.has(x));
      if (!need.some(Boolean)) continue;
      const dy = n.outputs.map(total);
      if (dy.every((d) => d === undefined)) continue;
      RULES[n.opType]!(c, n, dy, need).forEach((d, j) => { if (d && need[j]) add(n.inputs[j]!, d); });
    }
  };

  const zero = g.float([0], []);
  let end = o.forwardEnd;
  for (const s of [...(o.blocks ?? [])].reverse()) {
    walk(nodes.slice(s.to, end));
    end = s.from;
    const dOut = total(s.output);
    if (!dOut) continue;
    touched = new Set();
    if (o.recompute) {
      // x' = x + 0 * sum(dOut): the copy runs only once the gradient has arrived
      const renamed = new Map<string, string>([[s.input, g.op('Add', [s.input, g.op('Mul', [g.op('ReduceSum', [dOut], { keepdims: i(0) }), zero])])]]);
      shapes.alias(renamed.get(s.input)!, s.input);
      if (active.has(s.input)) active.add(renamed.get(s.input)!);
      const copies: GraphNode[] = [];
      for (const n of nodes.slice(s.from, s.to)) {
        const inputs = n.inputs.map((x) => renamed.get(x) ?? x);
        const outputs = g.ops(n.opType, inputs, n.spec, { outputs: n.outputs.length, ...(n.domain ? { domain: n.domain } : {}) });
        n.outputs.forEach((y, j) => { renamed.set(y, outputs[j]!); if (active.has(y)) active.add(outputs[j]!); });
        const copy: GraphNode = { ...n, inputs, outputs };
        shapes.infer(copy);
        copies.push(copy);
      }
      const out = renamed.get(s.output);
      if (!out) throw new Error(`backward graph ${g.name}: block output '${s.output}' is not computed by its nodes`);
      add(out, dOut);
      walk(copies);
      const dIn = total(renamed.get(s.input)!);
      if (dIn) add(s.input, dIn);
    } else walk(nodes.slice(s.from, s.to));
    // dIn' = dIn + 0 * sum(the block's parameter gradients): the block's weight gradients are
    // computed before the gradient moves on, so its activations can be freed (onnxruntime's
    // order would otherwise leave every weight-gradient product to the end, keeping all alive)
    const done = [...touched].map((w) => g.op('ReduceSum', [total(w)!], { keepdims: i(0) }));
    const dIn = total(s.input);
    if (dIn && done.length > 0) parts.set(s.input, [g.op('Add', [dIn, g.op('Mul', [done.length > 1 ? g.op('Sum', done) : done[0]!, zero])])]);
  }
  walk(nodes.slice(0, end));
  return new Map(o.wrt.flatMap((w) => { const d = total(w); return d ? [[w, d] as [string, string]] : []; }));
}
