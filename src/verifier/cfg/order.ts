// Depth-first orders over any successor function: reverse postorder (the
// iteration order of the dominator and dataflow algorithms) and the set of
// nodes reachable from a root.

export type Succ = (n: number) => readonly number[];

/** Nodes reachable from `root`, in reverse postorder (iterative DFS: no recursion limit). */
export function reversePostorder(root: number, succ: Succ): number[] {
  const post: number[] = [];
  const seen = new Set<number>([root]);
  const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { node: number; next: number };
    const children = succ(top.node);
    const child = children[top.next++];
    if (child === undefined) {
      if (top.next > children.length) {
        post.push(top.node);
        stack.pop();
      }
      continue;
    }
    if (!seen.has(child)) {
      seen.add(child);
      stack.push({ node: child, next: 0 });
    }
  }
  return post.reverse();
}

export const reachable = (root: number, succ: Succ): Set<number> =>
  new Set(reversePostorder(root, succ));
