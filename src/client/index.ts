// The TypeScript client: a RemoteBroker is a Broker over HTTP (same Run / Stream API), and BrokerLike the
// type that accepts either.
export type { BrokerLike, RunLike, StreamLike } from "../broker/BrokerLike.ts";
export { HttpSession, type SessionOptions } from "./HttpSession.ts";
export type { ReconnectOptions } from "./liveStreams.ts";
export { RemoteAnnotations } from "./RemoteAnnotations.ts";
export { RemoteBroker, type RemoteOptions } from "./RemoteBroker.ts";
export { RemoteRun, type RunMetadata } from "./RemoteRun.ts";
export { RemoteStream } from "./RemoteStream.ts";
