/**
 * Ports that identify the server side of a conversation whose start we did
 * not see. Facts from IANA's registry; one place.
 * @module
 */

const SERVER_PORTS: ReadonlySet<number> = new Set([
  20,
  21,
  22,
  23,
  25,
  53,
  67,
  69,
  80,
  88,
  110,
  111,
  123,
  135,
  137,
  138,
  139,
  143,
  161,
  389,
  443,
  445,
  464,
  465,
  514,
  587,
  593,
  636,
  993,
  995,
  1433,
  1434,
  1521,
  2049,
  3268,
  3269,
  3306,
  3389,
  5353,
  5355,
  5432,
  5722,
  5985,
  5986,
  8080,
  8443,
  9389,
]);

/**
 * Which side of a conversation looks like the server, by port: a known
 * service port wins, then a port below 1024, then a port below the
 * ephemeral range (49152). Returns 0 for the first endpoint, 1 for the
 * second, and -1 when the ports say nothing.
 */
export function serverSideByPort(portA: number, portB: number): 0 | 1 | -1 {
  const knownA = SERVER_PORTS.has(portA), knownB = SERVER_PORTS.has(portB);
  if (knownA !== knownB) return knownA ? 0 : 1;
  const lowA = portA < 1024, lowB = portB < 1024;
  if (lowA !== lowB) return lowA ? 0 : 1;
  const regA = portA < 49152, regB = portB < 49152;
  if (regA !== regB) return regA ? 0 : 1;
  return -1;
}
