/**
 * Hostile captures, made deterministically: floods that grow the decoder's
 * state (SYNs, IP fragments, out-of-order segments), SMB2 compression bombs,
 * over-long AndX chains and compounds, files and messages left unfinished, and gzip bombs. Each says what it
 * holds so tests can assert against it, never against the decoder.
 *
 *     deno run -W tools/hostile/captures.ts syn-flood 1000000 out.pcap
 *
 * @module
 */
import {
  ACK,
  fragmentFrame,
  joinParts,
  PcapBuilder,
  pcapHeader,
  pcapRecord,
  TcpConversation,
  tcpFrame,
} from "./pcap.ts";
import {
  compressedWrite,
  lz77Bomb,
  MAX_DECOMPRESSED,
  nbss,
  patternBomb,
  smb1LogoffChain,
  smb1NtTransactPrimary,
  smb2CompoundLoop,
  smb2Echo,
  smb2EchoCompound,
  smb2Header,
  smb2WriteHead,
} from "./smb.ts";

/** [MS-SMB2] 2.2.1: the IOCTL command. */
const SMB2_IOCTL = 0x0b;

const CLIENT = 0x0a000001, SERVER = 0x0a000002; // 10.0.0.1, 10.0.0.2
const T0 = 1_700_000_000;

/** `count` SYNs to distinct ports and sources (10.x.y.z → 192.168.0.1:445), one per microsecond-ish. */
export function* synFlood(count: number): Generator<Uint8Array> {
  yield pcapHeader();
  for (let i = 0; i < count; i++) {
    const frame = tcpFrame({
      src: 0x0a000000 + (i >>> 16),
      dst: 0xc0a80001,
      srcPort: 1024 + (i & 0xffff) % 60000,
      dstPort: 445,
      seq: i,
      ack: 0,
      flags: 0x02,
    });
    yield pcapRecord(frame, T0 + i / 1000);
  }
}

/**
 * `count` first fragments (256 bytes each, more to come) of distinct
 * datagrams that never complete: each waits for the rest until
 * `maxFragmentedDatagrams` or `fragmentTimeout` drops it.
 */
export function* fragmentFlood(count: number): Generator<Uint8Array> {
  yield pcapHeader();
  const data = new Uint8Array(256);
  for (let i = 0; i < count; i++) {
    const frame = fragmentFrame(CLIENT + (i >>> 16), SERVER, 17, i & 0xffff, 0, true, data);
    yield pcapRecord(frame, T0 + i / 100_000);
  }
}

/**
 * One connection whose client sends `count` one-byte segments in reverse
 * order after a hole that is never filled: each is held out of order until
 * `maxOutOfOrderBytes` declares the hole a gap. The smallest segments cost the
 * most to hold per byte.
 */
export function* outOfOrderFlood(count: number, connections = 1): Generator<Uint8Array> {
  yield pcapHeader();
  for (let c = 0; c < connections; c++) {
    const port = 40000 + c;
    const seg = (
      flags: number,
      seq: number,
      ack: number,
      fromClient: boolean,
      payload?: Uint8Array,
    ) =>
      pcapRecord(
        tcpFrame({
          src: fromClient ? CLIENT : SERVER,
          dst: fromClient ? SERVER : CLIENT,
          srcPort: fromClient ? port : 445,
          dstPort: fromClient ? 445 : port,
          seq,
          ack,
          flags,
          ...(payload === undefined ? {} : { payload }),
        }),
        T0 + c,
      );
    yield seg(0x02, 1000, 0, true);
    yield seg(0x12, 5000, 1001, false);
    yield seg(ACK, 1001, 5001, true);
    const one = new Uint8Array([0]);
    // Bytes 1001..1010 never come; bytes after them arrive last first.
    for (let i = count; i > 0; i--) yield seg(ACK, 1010 + i, 5001, true, one);
  }
}

/** What {@link compressionBombs} wrote, for tests. */
export interface CompressionBombs {
  pcap: Uint8Array;
  /** Compressed messages (LZ77 bombs, then compressed WRITEs) sent by the client. */
  lz77: number;
  writes: number;
  /** Bytes of each message in the NBSS frame (its SMB2 part). */
  lz77Bytes: number;
  writeBytes: number;
  /** Frames of the ECHO request/response pairs before and after the bombs. */
  echoFrames: number[];
  /** Bytes each bomb claims. */
  size: number;
}

/**
 * One SMB2 connection: an ECHO exchange, `lz77` LZ77 bombs (35 bytes claiming
 * 16 MiB of 0xfe, which is not an SMB2 message), `writes` WRITE requests
 * whose 16 MiB of data is one LZ77 run, then another ECHO exchange.
 */
export function compressionBombs(lz77: number, writes: number): CompressionBombs {
  const pcap = new PcapBuilder();
  const c = new TcpConversation(pcap, CLIENT, 40000, SERVER, 445, T0);
  c.handshake();
  const echoFrames = [
    ...c.send(true, nbss(smb2Echo(1, false))),
    ...c.send(false, nbss(smb2Echo(1, true))),
  ];
  const bomb = nbss(lz77Bomb(MAX_DECOMPRESSED));
  // Forty to a segment: a few kilobytes in all.
  for (let i = 0; i < lz77; i += 40) {
    const n = Math.min(40, lz77 - i);
    const seg = new Uint8Array(n * bomb.length);
    for (let k = 0; k < n; k++) seg.set(bomb, k * bomb.length);
    c.send(true, seg);
  }
  const writeLength = MAX_DECOMPRESSED - 112;
  let writeBytes = 0;
  for (let i = 0; i < writes; i++) {
    const w = compressedWrite(100 + i, writeLength, 7);
    writeBytes = w.length;
    c.send(true, nbss(w));
  }
  echoFrames.push(
    ...c.send(true, nbss(smb2Echo(2, false))),
    ...c.send(false, nbss(smb2Echo(2, true))),
  );
  c.close();
  return {
    pcap: pcap.bytes(),
    lz77,
    writes,
    lz77Bytes: bomb.length - 4,
    writeBytes,
    echoFrames,
    size: MAX_DECOMPRESSED,
  };
}

/** What {@link patternBombs} wrote, for tests. */
export interface PatternBombs {
  pcap: Uint8Array;
  connections: number;
  perConnection: number;
  /** Bytes of each message (its SMB2 part). */
  bytes: number;
  size: number;
  /** Frames of each connection's closing ECHO request. */
  echoFrames: number[];
}

/**
 * `connections` SMB2 connections, each sending `perConnection` chained
 * Pattern_V1 messages (24 bytes claiming 16 MiB) and then an ECHO request:
 * spread out, so only the capture-wide budget can stop them.
 */
export function patternBombs(connections: number, perConnection: number): PatternBombs {
  const pcap = new PcapBuilder();
  const bomb = nbss(patternBomb(0xfe, MAX_DECOMPRESSED));
  const echoFrames: number[] = [];
  for (let k = 0; k < connections; k++) {
    const c = new TcpConversation(pcap, CLIENT + k, 40000 + k, SERVER, 445, T0 + k);
    c.handshake();
    const seg = new Uint8Array(perConnection * bomb.length);
    for (let i = 0; i < perConnection; i++) seg.set(bomb, i * bomb.length);
    c.send(true, seg);
    echoFrames.push(c.send(true, nbss(smb2Echo(1, false)))[0]!);
    c.close();
  }
  return {
    pcap: pcap.bytes(),
    connections,
    perConnection,
    bytes: bomb.length - 4,
    size: MAX_DECOMPRESSED,
    echoFrames,
  };
}

/** What {@link chainBombs} wrote, for tests. */
export interface ChainBombs {
  pcap: Uint8Array;
  /** SMB1 messages of `andxLength` LOGOFF_ANDX commands each. */
  andxMessages: number;
  andxLength: number;
  /** SMB2 compounds of `compoundLength` ECHOs each, and compounds whose NextCommand loops back. */
  compounds: number;
  compoundLength: number;
  loops: number;
}

/**
 * An SMB1 connection of over-long AndX chains and an SMB2 connection of
 * over-long compounds and looping compounds.
 */
export function chainBombs(andxMessages: number, compounds: number, loops: number): ChainBombs {
  const pcap = new PcapBuilder();
  const andxLength = 100, compoundLength = 200;
  const smb1 = new TcpConversation(pcap, CLIENT, 40001, SERVER, 445, T0);
  smb1.handshake();
  for (let i = 0; i < andxMessages; i++) smb1.send(true, nbss(smb1LogoffChain(andxLength, i)));
  smb1.close();
  const smb2 = new TcpConversation(pcap, CLIENT, 40002, SERVER, 445, T0 + 1);
  smb2.handshake();
  for (let i = 0; i < compounds; i++) {
    smb2.send(true, nbss(smb2EchoCompound(compoundLength, 1 + i * compoundLength)));
  }
  for (let i = 0; i < loops; i++) smb2.send(true, nbss(smb2CompoundLoop(1_000_000 + 3 * i)));
  smb2.close();
  return { pcap: pcap.bytes(), andxMessages, andxLength, compounds, compoundLength, loops };
}

/** What {@link openFileFlood} wrote, for tests. */
export interface OpenFileFlood {
  pcap: Uint8Array;
  /** Files written to, FileIds 1 to `files`. */
  files: number;
  /** Bytes written to each, at offset 0 (0x41 bytes). */
  bytesEach: number;
}

/**
 * One SMB2 connection whose client writes `bytesEach` bytes to each of
 * `files` FileIds, ten WRITE requests to a segment, and never closes one:
 * every file stays open with a little content to hash, so whatever the
 * decoder keeps per open file is multiplied by `files`.
 */
export function openFileFlood(files: number, bytesEach = 100): OpenFileFlood {
  const pcap = new PcapBuilder();
  const c = new TcpConversation(pcap, CLIENT, 40003, SERVER, 445, T0);
  c.handshake();
  const write = (fileId: number) => {
    const body = new Uint8Array(112 + bytesEach).fill(0x41);
    body.set(smb2WriteHead(fileId, bytesEach, fileId));
    return nbss(body);
  };
  for (let first = 1; first <= files; first += 10) {
    const ids = Array.from({ length: Math.min(10, files - first + 1) }, (_, k) => first + k);
    c.send(true, joinParts(ids.map(write)));
  }
  c.close();
  return { pcap: pcap.bytes(), files, bytesEach };
}

/** What {@link partialMessages} wrote, for tests. */
export interface PartialMessages {
  pcap: Uint8Array;
  connections: number;
  /** Bytes of each connection's message sent (its NBSS header included). */
  bytesEach: number;
  /** The length each NBSS header declares (2 MiB - 1, under `maxSmbMessageBytes`). */
  declared: number;
  /** Whether each connection was closed (FIN) after its bytes. */
  closed: boolean;
}

/**
 * `connections` SMB2 connections, each sending the first `bytesEach` bytes of
 * one IOCTL request that declares 2 MiB - 1 bytes (a message kept whole, not
 * bulk data), and never the rest; closed after it when `closed`. Left open,
 * every connection holds what it sent until the end of the capture.
 */
export function partialMessages(
  connections: number,
  bytesEach: number,
  closed: boolean,
): PartialMessages {
  const pcap = new PcapBuilder();
  const declared = (2 << 20) - 1;
  const message = new Uint8Array(bytesEach);
  message.set([0, declared >>> 16, (declared >>> 8) & 0xff, declared & 0xff]); // NBSS session message
  message.set(smb2Header({ command: SMB2_IOCTL, messageId: 1, sessionId: 1, treeId: 1 }), 4);
  for (let k = 0; k < connections; k++) {
    const c = new TcpConversation(pcap, CLIENT + k, 40000, SERVER, 445, T0 + k);
    c.handshake();
    c.send(true, message);
    if (closed) c.close();
  }
  return { pcap: pcap.bytes(), connections, bytesEach, declared, closed };
}

/** What {@link announcedTransactions} wrote, for tests. */
export interface AnnouncedTransactions {
  pcap: Uint8Array;
  connections: number;
  /** NT_TRANSACT primaries per connection, MIDs 1 to `perConnection`. */
  perConnection: number;
  /** The data bytes each announces; each carries 8. */
  announced: number;
}

/**
 * `connections` SMB1 connections, each sending `perConnection` NT_TRANSACT
 * primaries (80 bytes) that announce 1 MiB of data each, carry 8 bytes, and
 * are never continued or answered; with `closed`, each connection then ends
 * (FIN both ways) before the next begins.
 */
export function announcedTransactions(
  connections: number,
  perConnection: number,
  closed = false,
): AnnouncedTransactions {
  const pcap = new PcapBuilder();
  const announced = 1 << 20;
  for (let k = 0; k < connections; k++) {
    const c = new TcpConversation(pcap, CLIENT + k, 40000, SERVER, 445, T0 + k);
    c.handshake();
    const parts = [];
    for (let mid = 1; mid <= perConnection; mid++) {
      parts.push(nbss(smb1NtTransactPrimary(mid, announced)));
    }
    c.send(true, joinParts(parts));
    if (closed) c.close();
  }
  return { pcap: pcap.bytes(), connections, perConnection, announced };
}

/**
 * A gzip bomb as a stream: `megabytes` MiB of zeros, optionally after a pcap
 * header (then the zeros read as empty records), gzip-compressed as it is
 * read; never held whole.
 */
export function gzipBomb(megabytes: number, pcapFirst: boolean): ReadableStream<Uint8Array> {
  const zeros = new Uint8Array(1 << 20);
  let sent = 0;
  const raw = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pcapFirst && sent === 0) c.enqueue(pcapHeader());
      if (sent === megabytes) return c.close();
      sent++;
      c.enqueue(zeros);
    },
  }, { highWaterMark: 0 });
  return raw.pipeThrough(
    new CompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
}

/** Every hostile capture by name, for the command line and the benchmark. */
export const HOSTILE: Readonly<Record<string, (n: number) => Iterable<Uint8Array>>> = {
  "syn-flood": (n) => synFlood(n),
  "fragment-flood": (n) => fragmentFlood(n),
  "out-of-order-flood": (n) => outOfOrderFlood(n),
  "compression-bombs": (n) => [compressionBombs(n, Math.ceil(n / 15)).pcap],
  "pattern-bombs": (n) => [patternBombs(Math.ceil(n / 20), 20).pcap],
  "chain-bombs": (n) => [chainBombs(n, n, n).pcap],
  "open-file-flood": (n) => [openFileFlood(n).pcap],
  "partial-messages": (n) => [partialMessages(n, 1_900_000, false).pcap],
  "announced-transactions": (n) => [announcedTransactions(Math.ceil(n / 8), 8).pcap],
};

if (import.meta.main) {
  const [name, count, out] = Deno.args;
  const make = name === undefined ? undefined : HOSTILE[name];
  if (make === undefined || count === undefined || out === undefined) {
    console.error(`usage: captures.ts <${Object.keys(HOSTILE).join("|")}> <count> <out.pcap>`);
    Deno.exit(2);
  }
  Deno.writeFileSync(out, joinParts(make(Number(count))));
}
