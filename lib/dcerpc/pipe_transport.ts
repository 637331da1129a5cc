/**
 * DCE/RPC over SMB named pipes: an I/O consumer that turns the pipe facts of
 * SMB1 and SMB2/3 sessions (writes and reads on pipe handles, SMB2 IOCTL
 * FSCTL_PIPE_TRANSCEIVE, SMB1 TransactNmPipe) into the two byte streams of
 * one association per open. Opens whose share type was not seen are taken
 * for pipes when their first bytes are DCE/RPC.
 * @module
 */
import type { IoConsumer, OpenFile, SmbIoFact } from "../smb/io.ts";
import { BoundedMap } from "../state/bounded_map.ts";
import { Association, type DcerpcContext } from "./association.ts";
import { looksLikeDceRpc } from "./pdu.ts";

/** A pipe's name as events show it: no leading backslashes, no `PIPE\` prefix. */
export function pipeName(name: string): string {
  return name.replace(/^[\\/]+/, "").replace(/^pipe[\\/]+/i, "");
}

/** The consumer of pipe facts that feeds the associations. */
export class PipeTransport implements IoConsumer {
  readonly wantsFileData = false;
  readonly wantsPipeData = true;
  /** Associations by open id. */
  readonly #open: BoundedMap<number, Association>;
  /** Opens of unknown kind whose first bytes were not DCE/RPC. */
  readonly #notRpc: BoundedMap<number, true>;

  constructor(readonly ctx: DcerpcContext) {
    const max = ctx.limits.maxRpcAssociations;
    this.#open = new BoundedMap({
      max,
      onEvict: (evicted) => {
        ctx.reporter.limit(
          "dcerpc",
          "maxRpcAssociations",
          `more than ${max} DCE/RPC associations at once; the oldest ended`,
          0,
          0,
        );
        for (const [, a] of evicted) a.end();
      },
    });
    this.#notRpc = new BoundedMap({
      max,
      // Forgetting one only means its next message start is looked at again.
      onEvict: () =>
        ctx.reporter.limit(
          "dcerpc",
          "maxRpcAssociations",
          `more than ${max} pipe opens remembered as not carrying DCE/RPC; the older half forgotten`,
          0,
          0,
        ),
    });
  }

  io(fact: SmbIoFact): void {
    switch (fact.kind) {
      case "read":
      case "write": {
        const a = this.#association(fact.file, fact.data, fact.at === 0);
        if (a === undefined) return;
        const ev = { frames: fact.evidence.frames, ts: fact.evidence.ts };
        a.data(fact.kind === "write", fact.data, ev, fact.at === 0);
        return;
      }
      case "transceive": {
        const a = this.#association(fact.file, fact.data, true);
        if (a === undefined) return;
        const ev = { frames: fact.evidence.frames, ts: fact.evidence.ts };
        a.data(fact.direction === "request", fact.data, ev, true);
        return;
      }
      case "close":
      case "lost": {
        const a = this.#open.get(fact.file.id);
        if (a !== undefined) {
          this.#open.delete(fact.file.id);
          a.end();
        }
        this.#notRpc.delete(fact.file.id);
        return;
      }
      default:
        return;
    }
  }

  /** The capture ended: every association still open ends. */
  end(): void {
    for (const [, a] of this.#open.entries()) a.end();
    this.#open.clear();
  }

  #association(file: OpenFile, data: Uint8Array, first: boolean): Association | undefined {
    let a = this.#open.get(file.id);
    if (a !== undefined) return a;
    if (file.pipe === false || this.#notRpc.has(file.id)) return undefined;
    if (!first || !looksLikeDceRpc(data)) {
      // A pipe that does not carry DCE/RPC (PsExec's streams, mailslots) or a disk file.
      if (file.pipe === undefined || first) this.#notRpc.set(file.id, true);
      return undefined;
    }
    a = new Association(this.ctx, {
      transport: file.smbVersion === 1 ? "smb1" : "smb2",
      connection: file.connection,
      client: file.client,
      server: file.server,
      smb: () => ({
        sessionId: file.sessionId,
        user: file.user,
        anonymous: file.anonymous,
        share: file.share,
        pipe: pipeName(file.name),
      }),
    });
    this.#open.set(file.id, a);
    return a;
  }
}
