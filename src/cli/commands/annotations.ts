// `databroker tag`, `annotate` and `annotations`: what people add to runs after the fact, from a shell. Tags
// and notes are annotations (annotations/Annotation.ts), visible to every reader of the run unless
// `--private` or `--share`; changes are recorded as `local:<os user>`, the account running the command, which
// holds the catalog file and so sees every annotation in it.
import type { Command } from "commander";
import type { Annotation, AnnotationValue } from "../../annotations/Annotation.ts";
import type { Broker } from "../../broker/Broker.ts";
import { runFromText } from "../../broker/runRefText.ts";
import { isoTimeOf } from "../../documents/epochTime.ts";
import { ValidationError } from "../../errors.ts";
import { type CatalogChoice, withCatalogOption } from "../catalogOption.ts";
import { withCatalog } from "../withCatalog.ts";

interface VisibilityOptions {
  private?: boolean;
  share?: string;
}

/** `--private` / `--share a,b` as the annotation's visibility fields (default: every reader of the run). */
function visibilityOf(options: VisibilityOptions): Record<string, unknown> {
  if (options.private && options.share) throw new ValidationError("--private and --share exclude each other");
  if (options.private) return { visibility: "private" };
  if (options.share !== undefined) {
    const users = options.share
      .split(",")
      .map((user) => user.trim())
      .filter(Boolean);
    if (users.length === 0) throw new ValidationError("--share names users, comma-separated: --share u1,u2");
    return { visibility: "users", shared_with: users };
  }
  return {};
}

function visibilityText(annotation: Annotation): string {
  if (annotation.visibility === "private") return "private to you";
  if (annotation.visibility === "users") return `shared with ${annotation.shared_with.join(", ")}`;
  return "visible to every reader of the run";
}

/** `--value key=value`: the value read as JSON when it is JSON (4, 1.5, true, [1,2]), else as text. */
function valuesOf(pairs: readonly string[]): Record<string, AnnotationValue> {
  const values: Record<string, AnnotationValue> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0)
      throw new ValidationError(`--value ${JSON.stringify(pair)}: write key=value, e.g. --value rating=4`);
    const text = pair.slice(at + 1);
    let value: AnnotationValue;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    values[pair.slice(0, at)] = value;
  }
  return values;
}

/** `--seq 3-7` (or `5`) as an inclusive seq_num range. */
function seqOf(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match)
    throw new ValidationError(`--seq ${JSON.stringify(text)}: write FIRST-LAST seq_nums, e.g. --seq 3-7`);
  return [Number(match[1]), Number(match[2] ?? match[1])];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function annotationLines(annotation: Annotation): string[] {
  const when = isoTimeOf(annotation.updated) ?? String(annotation.updated);
  const head = `${annotation.id}  ${annotation.author}  ${when}  rev ${annotation.revision}  ${annotation.visibility}`;
  const lines = [head];
  if (annotation.tags.length > 0) lines.push(`  tags: ${annotation.tags.join(", ")}`);
  if (annotation.body) lines.push(...annotation.body.split("\n").map((line) => `  ${line}`));
  for (const [key, value] of Object.entries(annotation.values))
    lines.push(`  ${key} = ${JSON.stringify(value)}`);
  if (annotation.target) lines.push(`  about: ${JSON.stringify(annotation.target)}`);
  return lines;
}

async function onRun<T>(
  catalog: CatalogChoice,
  ref: string,
  readOnly: boolean,
  work: (broker: Broker, run: Awaited<ReturnType<Broker["run"]>>) => Promise<T>,
): Promise<T> {
  return withCatalog(catalog, readOnly, async (broker) => work(broker, await runFromText(broker, ref)));
}

const RUN_HELP = "uid or unique uid prefix (5+ characters), scan_id, or -N for the N-th most recent";

export function registerTag(program: Command): void {
  withCatalogOption(program.command("tag"), "tag runs of")
    .description("tag a run (one annotation holding the tags); --remove takes tags off your annotations")
    .argument("<run>", RUN_HELP)
    .argument("<tags...>", "one or more tags, e.g. good figure-3")
    .option("--private", "only you see these tags")
    .option("--share <users>", "only these users (comma-separated) besides you see them")
    .option("--remove", "remove these tags from your annotations of the run instead")
    .action(
      async (
        ref: string,
        tags: string[],
        options: VisibilityOptions & { catalog: CatalogChoice; remove?: boolean },
      ) => {
        await onRun(options.catalog, ref, false, async (broker, run) => {
          const annotations = broker.annotations();
          if (!options.remove) {
            const made = await annotations.create(run.start, { tags, ...visibilityOf(options) });
            console.log(
              `tagged run ${run.uid}: ${made.tags.join(", ")} (annotation ${made.id}, ${visibilityText(made)})`,
            );
            return;
          }
          let removed = 0;
          for (const annotation of await annotations.list(run.start)) {
            if (!annotations.isAuthor(annotation) || !annotation.tags.some((tag) => tags.includes(tag)))
              continue;
            const left = annotation.tags.filter((tag) => !tags.includes(tag));
            removed++;
            if (left.length === 0 && annotation.body === "" && Object.keys(annotation.values).length === 0)
              await annotations.delete(run.start, annotation.id, annotation.revision);
            else
              await annotations.edit(run.start, annotation.id, { tags: left, revision: annotation.revision });
          }
          if (removed === 0)
            throw new ValidationError(
              `none of your annotations of run ${run.uid} has the tag(s) ${tags.join(", ")}`,
            );
          console.log(`removed ${tags.join(", ")} from ${removed} annotation(s) of run ${run.uid}`);
        });
      },
    );
}

interface AnnotateOptions extends VisibilityOptions {
  catalog: CatalogChoice;
  tag: string[];
  value: string[];
  stream?: string;
  field?: string;
  seq?: string;
  edit?: string;
  json?: boolean;
}

export function registerAnnotate(program: Command): void {
  withCatalogOption(program.command("annotate"), "annotate runs of")
    .description("add a note to a run (text, tags, key=value), or --edit one of yours")
    .argument("<run>", RUN_HELP)
    .argument("[text]", 'the note, e.g. "sample was misaligned"')
    .option("--tag <tag>", "a tag (repeat for more)", collect, [])
    .option("--value <key=value>", "a searchable value, e.g. rating=4 (repeat for more)", collect, [])
    .option("--private", "only you see it")
    .option("--share <users>", "only these users (comma-separated) besides you see it")
    .option("--stream <name>", "about this stream of the run")
    .option("--field <name>", "about this field of --stream")
    .option("--seq <first-last>", "about these events (seq_nums) of --stream")
    .option("--edit <id>", "change your annotation ID instead (only what you give changes)")
    .option("--json", "print the annotation as JSON")
    .action(async (ref: string, text: string | undefined, options: AnnotateOptions) => {
      const seq = seqOf(options.seq);
      const target =
        options.stream === undefined && options.field === undefined && seq === undefined
          ? undefined
          : { stream: options.stream, field: options.field, seq };
      const input: Record<string, unknown> = {
        ...(text === undefined ? {} : { body: text }),
        ...(options.tag.length > 0 ? { tags: options.tag } : {}),
        ...(options.value.length > 0 ? { values: valuesOf(options.value) } : {}),
        ...(target ? { target: JSON.parse(JSON.stringify(target)) } : {}),
        ...visibilityOf(options),
      };
      await onRun(options.catalog, ref, false, async (broker, run) => {
        const annotations = broker.annotations();
        let annotation: Annotation;
        if (options.edit !== undefined) {
          // Read and write at once: the store still refuses the edit if someone changed it in between.
          const current = await annotations.get(run.start, options.edit);
          annotation = await annotations.edit(run.start, options.edit, {
            ...input,
            revision: current.revision,
          });
        } else annotation = await annotations.create(run.start, input);
        if (options.json) console.log(JSON.stringify(annotation));
        else
          console.log(
            `${options.edit ? "edited" : "annotated"} run ${run.uid}: annotation ${annotation.id} rev ${annotation.revision}, ${visibilityText(annotation)}`,
          );
      });
    });
}

export function registerAnnotations(program: Command): void {
  withCatalogOption(program.command("annotations"), "read")
    .description("list a run's annotations; --history ID shows one's revisions, --delete ID removes one")
    .argument("<run>", RUN_HELP)
    .option("--json", "as JSON")
    .option("--history <id>", "every revision of annotation ID (who, when, what)")
    .option("--delete <id>", "delete annotation ID (its history stays)")
    .action(
      async (
        ref: string,
        options: { catalog: CatalogChoice; json?: boolean; history?: string; delete?: string },
      ) => {
        if (options.history !== undefined && options.delete !== undefined)
          throw new ValidationError("--history and --delete exclude each other");
        await onRun(options.catalog, ref, options.delete === undefined, async (broker, run) => {
          const annotations = broker.annotations();
          if (options.delete !== undefined) {
            const deleted = await annotations.delete(run.start, options.delete);
            console.log(
              `deleted annotation ${deleted.id} of run ${run.uid} (its revisions stay readable: --history ${deleted.id})`,
            );
            return;
          }
          if (options.history !== undefined) {
            const revisions = await annotations.revisions(run.start, options.history);
            if (options.json) console.log(JSON.stringify(revisions));
            else
              for (const revision of revisions)
                console.log(
                  `rev ${revision.revision}  ${revision.action}  by ${revision.actor}  ${isoTimeOf(revision.at) ?? revision.at}\n${annotationLines(revision.annotation).slice(1).join("\n")}`,
                );
            return;
          }
          const list = await annotations.list(run.start);
          if (options.json) console.log(JSON.stringify(list));
          else if (list.length === 0) console.log(`run ${run.uid} has no annotations`);
          else console.log(list.flatMap(annotationLines).join("\n"));
        });
      },
    );
}
