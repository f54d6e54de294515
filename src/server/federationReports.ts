// A request's report of a federation's partial answer (storage/federation/FederationReport.ts): every search
// the request makes notes its failed sources in one report, and the answer carries it as `federation`
// ({failures: [{source, kind, detail}], conflicts: [{uid, sources}]}) when it is partial. Catalogs that are
// not federations never fill it, and their answers are unchanged.
import type { FastifyRequest } from "fastify";
import { FederationReport } from "../storage/federation/FederationReport.ts";

const reports = new WeakMap<FastifyRequest, FederationReport>();

/** The report of this request's searches, made on first use. */
export function requestReport(request: FastifyRequest): FederationReport {
  let report = reports.get(request);
  if (!report) {
    report = new FederationReport();
    reports.set(request, report);
  }
  return report;
}

/** `{federation: report}` when the request's answer is partial, else nothing: spread into an answer. */
export function partialAnswer(request: FastifyRequest): {
  federation?: ReturnType<FederationReport["toJSON"]>;
} {
  const report = reports.get(request);
  return report?.partial ? { federation: report.toJSON() } : {};
}
