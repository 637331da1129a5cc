/**
 * SMBGhost (CVE-2020-0796): an SMB 3.1.1 compression transform whose sizes wrap.
 *
 * Facts ([MS-SMB2] 2.2.42.1; Microsoft ADV200005 and CVE-2020-0796; the public analyses of
 * srv2.sys Srv2DecompressData): an unchained
 * COMPRESSION_TRANSFORM_HEADER (0xFC 'SMB') gives OriginalCompressedSegmentSize (the size after
 * decompression) and Offset (uncompressed bytes before the compressed data). Vulnerable Windows
 * 10 1903/1909 adds the two in 32 bits to size its buffer, so a sum past 0xFFFFFFFF allocates a
 * small buffer that decompression then overruns (the server side; the client side has the same
 * code). No implementation sends such sizes. The decoder checks them before decompressing and
 * reports each wrap as the anomaly `smb2_compression_size_overflow`; this rule turns the first
 * of each connection into an alert, with the sizes read from the anomaly.
 * @module
 */
import type { Rule } from "../rule.ts";
import { connectionOf } from "./facts.ts";
import { endsOf, OncePerConnection } from "./smb1_exploit_facts.ts";

/** The anomaly code the SMB2 decoder gives a wrapping compression transform. */
const CODE = "smb2_compression_size_overflow";

/** The rule. */
export const smbghost: Rule = {
  id: "smbghost",
  title: "SMBGhost (CVE-2020-0796): SMB2 compression transform sizes wrap 32 bits",
  severity: "critical",
  technique: "T1210",
  techniqueName: "Exploitation of Remote Services",
  references: [
    "https://msrc.microsoft.com/update-guide/vulnerability/CVE-2020-0796",
    "https://msrc.microsoft.com/update-guide/vulnerability/ADV200005",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-smb2/1d435f21-9a21-4f4c-828e-624a176cf2a0",
    "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-smb2/793db6bb-25b4-4469-be49-a8d7045ba3a6",
  ],
  description:
    "An SMB2 COMPRESSION_TRANSFORM_HEADER whose Offset + OriginalCompressedSegmentSize exceeds 0xFFFFFFFF (the decoder's smb2_compression_size_overflow anomaly): the integer overflow in srv2.sys's decompression (SMBGhost, CVE-2020-0796). One alert per connection.",
  listens: ["anomaly"],
  create(ctx) {
    const seen = new OncePerConnection(ctx);
    return {
      event(e) {
        if (e.type !== "anomaly" || e.code !== CODE) return;
        if (!seen.first(connectionOf(e))) return;
        const detail = typeof e.detail === "string" ? e.detail : "";
        const sizes = /Offset (\d+) \+ OriginalCompressedSegmentSize (\d+)/.exec(detail);
        const values: Record<string, string | number> = endsOf(e);
        let what = "Offset + OriginalCompressedSegmentSize";
        if (sizes !== null) {
          const offset = Number(sizes[1]), size = Number(sizes[2]);
          values.offset = offset;
          values.originalCompressedSegmentSize = size;
          values.sum = offset + size;
          what = `Offset ${offset} + OriginalCompressedSegmentSize ${size} = ${offset + size}`;
        }
        ctx.alert({
          message: `SMB2 compression transform between ${values.client} and ${values.server}: ` +
            `${what}, past 0xFFFFFFFF, wraps the 32-bit buffer size of vulnerable ` +
            `Windows (SMBGhost, CVE-2020-0796)`,
          values,
          rests: [e],
        });
      },
    };
  },
};
