// The `order` rule's message for a document that names a descriptor or start arriving only later in the same
// stream or batch: documents are ordered, so it is an error (a stop before its start is not a run missing
// its stop), said the same way by the batch checks and the run splitter.

export const ORDER_RULE = "order";

/** `refers to start r1, which only comes later (document 3): a stop must come after its start` */
export function comesLaterMessage(
  name: string,
  kind: "descriptor" | "start",
  uid: string,
  laterIndex: number,
): string {
  return `refers to ${kind} ${uid}, which only comes later (document ${laterIndex}): a ${name} must come after its ${kind}`;
}
