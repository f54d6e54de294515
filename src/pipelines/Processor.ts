// What a pipeline processor is: a small module that reads one input run's documents through a document router
// and writes the documents of one derived run through a DerivedRunOutput. Built-ins live in processors/; a user's
// own is a .ts/.js file whose default export (or `processor` export) is one of these.
import type { DocumentHandlers, DocumentRouter } from "../documents/router.ts";
import type { DataKey } from "../documents/types.ts";

/** A parameter's value as the processor receives it (after parsing and defaults). */
export type ParamValue = string | number | boolean | ParamValue[] | { [key: string]: ParamValue };

export type ProcessorParams = Record<string, ParamValue>;

/** One parameter a processor takes: `--param name=text` on the command line. */
export interface ProcessorParam {
  name: string;
  /** One line for the help and for error messages: what the value is (`a field of the input stream`). */
  help: string;
  /** Used when the parameter is not given; a parameter without a default is required. */
  default?: ParamValue;
  /** Turns the command line's text into the value; throws an Error whose message says what is expected. */
  parse?: (text: string) => ParamValue;
  /** Given more than once, the values are collected into a list (in the order given). */
  repeatable?: boolean;
}

/** Where a processor writes the derived run: streams (each one descriptor) and their events. */
export interface DerivedRunOutput {
  /** Declares a stream of the derived run; its descriptor takes the time of the input document being routed. */
  stream(name: string, dataKeys: Record<string, DataKey>): void;
  /** One event of a declared stream; `time` should come from the input (an event's time, the stop's). */
  event(stream: string, data: Record<string, unknown>, time: number): void;
}

export interface Processor {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Part of the derived runs' identity: change it when the output for the same input changes. */
  readonly version: string;
  /** One line for `databroker pipe --help` and error messages. */
  readonly summary: string;
  readonly params: readonly ProcessorParam[];
  /** Whether the input's external data (detector images) must be read through the handlers first. */
  readonly fill?: boolean;
  /**
   * A router for one input run: it sees the run's documents in order (start, descriptors, events or pages,
   * stop) and writes the derived run's streams and events through `output`. Throw to fail the run. Plain
   * handlers `{event_page(page) {...}, stop(doc) {...}}` do too: a module needs nothing imported to be one.
   */
  create(params: ProcessorParams, output: DerivedRunOutput): DocumentRouter | DocumentHandlers;
}
