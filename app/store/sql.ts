import type Database from 'better-sqlite3';

/** A connection with its prepared statements cached by SQL text (each statement is compiled once). */
export class Sql {
  readonly db: Database.Database;
  readonly file: string;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database, file: string) {
    this.db = db;
    this.file = file;
  }

  prepare(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Starts a write transaction that bumps the change counter and returns the new generation. */
  bumpGeneration(): number {
    return (
      this.prepare('UPDATE state SET generation = generation + 1 WHERE id = 1 RETURNING generation').get() as {
        generation: number;
      }
    ).generation;
  }

  generation(): number {
    return (this.prepare('SELECT generation FROM state WHERE id = 1').get() as { generation: number }).generation;
  }
}

/** The bytes of a typed array, without copying (little-endian on every platform Eidos targets). */
export function vectorBytes(vector: ArrayBufferView): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}
