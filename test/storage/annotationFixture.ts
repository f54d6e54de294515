// An annotation as the storage tests write it: by u1 at time 1, visible to every reader, saying nothing
// but what the test gives; and the change that creates it.
import type { Annotation } from "../../src/annotations/Annotation.ts";
import type { AnnotationChange } from "../../src/annotations/AnnotationRecords.ts";

export function storedAnnotation(run: string, id: string, fields: Partial<Annotation> = {}): Annotation {
  return {
    id,
    run,
    author: "u1",
    created: 1,
    updated: 1,
    revision: 1,
    visibility: "beamtime",
    shared_with: [],
    tags: [],
    body: "",
    values: {},
    ...fields,
  };
}

export function creation(annotation: Annotation): AnnotationChange {
  return { action: "create", annotation, expected: 0, actor: annotation.author, at: annotation.created };
}
