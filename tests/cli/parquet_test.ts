/**
 * `decode --parquet DIR`, read back with DuckDB (npm @duckdb/node-api, an
 * independent Parquet reader): one file per event type, typed columns, rows
 * as tshark and the fixture's script say, written in row groups. Skips,
 * saying why, when DuckDB cannot be loaded here.
 */
import * as assert from "node:assert/strict";
import { fixturePath, runCli } from "../_support/cli.ts";
import { Decoder } from "../../mod.ts";
import { ParquetFolder } from "../../cli/parquet_folder.ts";

const SMB1 = fixturePath("smb/smb1_session.pcap");

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** DuckDB in memory, or why it cannot run here. */
async function duckdb(): Promise<Query | string> {
  try {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    return async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS();
  } catch (e) {
    return `DuckDB (npm @duckdb/node-api) cannot be loaded here: ${
      e instanceof Error ? e.message : e
    }`;
  }
}

const query = await duckdb();
if (typeof query === "string") console.log(`parquet tests skipped: ${query}`);

Deno.test({
  name: "decode --parquet DIR: DuckDB reads one typed table per event type" +
    (typeof query === "string" ? " [skipped: DuckDB not available]" : ""),
  ignore: typeof query === "string",
  async fn() {
    const q = query as Query;
    const dir = await Deno.makeTempDir();
    try {
      const run = await runCli([
        "decode",
        SMB1,
        "--parquet",
        dir,
        "-q",
        "-t",
        "connection,smb,file,ntlm,tree,summary",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
        "connection.parquet",
        "file.parquet",
        "ntlm.parquet",
        "smb.parquet",
        "summary.parquet",
        "tree.parquet",
      ]);
      // tshark: 44 frames carry SMB, one message each, of 11 commands.
      const [smb] = await q(
        `select count(*)::INT n, count(distinct command)::INT commands from '${dir}/smb.parquet'`,
      );
      assert.deepEqual(smb, { n: 44, commands: 11 });
      // tshark -z conv,tcp: 10.77.0.2:47790 ↔ 10.77.0.1:445, 45 frames one way, 43 the other.
      const conns = await q(
        `select action, client_ip, client_port, server_port, client_packets, server_packets, state
         from '${dir}/connection.parquet' order by action desc`,
      );
      assert.deepEqual(conns, [
        {
          action: "open",
          client_ip: "10.77.0.2",
          client_port: 47790,
          server_port: 445,
          client_packets: null,
          server_packets: null,
          state: null,
        },
        {
          action: "close",
          client_ip: "10.77.0.2",
          client_port: 47790,
          server_port: 445,
          client_packets: 45n,
          server_packets: 43n,
          state: "closed_fin",
        },
      ]);
      // fixtures/smb/smb1_session.expected.json (the script that made it): smb1_put.bin, 20480
      // bytes, this SHA-256, written, read back, deleted.
      const files = await q(
        `select path, size, sha256, actions::VARCHAR actions from '${dir}/file.parquet'
         where sha256 is not null order by seq`,
      );
      const sha = "f32c457441650446e363400b01e312fdf4505e908369614635c35e3b27a52d31";
      assert.deepEqual(files, [
        { path: "smb1_put.bin", size: 20480n, sha256: sha, actions: '["write"]' },
        { path: "smb1_put.bin", size: 20480n, sha256: sha, actions: '["read"]' },
      ]);
      const types = await q(
        `select column_name, column_type from (describe select ts, status, response, fields from '${dir}/smb.parquet')`,
      );
      assert.deepEqual(types.map((t) => `${t.column_name} ${t.column_type}`), [
        "ts TIMESTAMP",
        "status BIGINT",
        "response BOOLEAN",
        "fields JSON",
      ]);
      // The first frame's time, 2026-11-23 18:56:36.669990 UTC (tshark), to the microsecond.
      const [first] = await q(
        `select epoch_us(min(start))::BIGINT us from '${dir}/connection.parquet'`,
      );
      assert.equal(first!.us, 1795460196669990n);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "ParquetFolder writes a row group every N rows (memory holds one group per type)" +
    (typeof query === "string" ? " [skipped: DuckDB not available]" : ""),
  ignore: typeof query === "string",
  async fn() {
    const q = query as Query;
    const dir = await Deno.makeTempDir();
    try {
      const folder = new ParquetFolder(dir, 7);
      const d = new Decoder();
      for (const e of [...d.push(Deno.readFileSync(SMB1)), ...d.end()]) {
        if (e.type === "smb") folder.add(e);
      }
      folder.close();
      const groups = await q(
        `select count(distinct row_group_id)::INT g, max(row_group_num_rows)::INT most
         from parquet_metadata('${dir}/smb.parquet')`,
      );
      // 44 messages in groups of 7: 7 groups, the last of 2.
      assert.deepEqual(groups, [{ g: 7, most: 7 }]);
      const [n] = await q(`select count(*)::INT n from '${dir}/smb.parquet'`);
      assert.equal(n!.n, 44);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "ParquetFolder holds at most two row groups' rows over all types, and writes them all" +
    (typeof query === "string" ? " [skipped: DuckDB not available]" : ""),
  ignore: typeof query === "string",
  async fn() {
    const q = query as Query;
    const dir = await Deno.makeTempDir();
    try {
      const folder = new ParquetFolder(dir, 5);
      const d = new Decoder();
      const counts = new Map<string, number>();
      for (const e of [...d.push(Deno.readFileSync(SMB1)), ...d.end()]) {
        folder.add(e);
        counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
      }
      folder.close();
      // Several types, some with fewer rows than a group: without the bound each would wait.
      assert.ok(counts.size >= 5, [...counts.keys()].join());
      assert.ok(folder.mostWaiting <= 10, `${folder.mostWaiting} rows waited`);
      for (const [type, n] of counts) {
        const [row] = await q(`select count(*)::INT n from '${dir}/${type}.parquet'`);
        assert.equal(row!.n, n, type);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
