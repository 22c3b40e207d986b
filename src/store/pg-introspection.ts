import { PostgresDialect, sql, type DatabaseIntrospector, type DatabaseMetadata, type Kysely, type SchemaMetadata, type TableMetadata } from "kysely";

/**
 * Kysely's PostgreSQL introspection lists the tables of every schema in the database, and calls
 * has_schema_privilege() on each schema's name: a schema dropped by another install in the same
 * database while that query runs (tests drop theirs at every close) fails it with "schema … does
 * not exist" — and with it this install's migration, at start. It also counts another schema's
 * kysely_migration table as this install's when no schema is named. The migrator needs only this
 * install's own tables, so that is all this introspector reads: the one schema Inkan's tables are
 * in (the configured one, else the connection's current_schema()).
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<any>,
    private readonly schema: string | undefined,
  ) {}

  private async own(): Promise<string> {
    if (this.schema) return this.schema;
    const r = await sql<{ s: string }>`select current_schema() as s`.execute(this.db);
    return r.rows[0]!.s;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    return [{ name: await this.own() }];
  }

  async getTables(): Promise<TableMetadata[]> {
    const schema = await this.own();
    const r = await sql<{ table_name: string; table_type: string; column_name: string | null; data_type: string | null; is_nullable: string | null; column_default: string | null }>`
      select t.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable, c.column_default
      from information_schema.tables t
      left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
      where t.table_schema = ${schema}
      order by t.table_name, c.ordinal_position`.execute(this.db);
    const tables = new Map<string, { name: string; isView: boolean; schema: string; columns: TableMetadata["columns"][number][] }>();
    for (const row of r.rows) {
      let t = tables.get(row.table_name);
      if (!t) tables.set(row.table_name, (t = { name: row.table_name, isView: row.table_type === "VIEW", schema, columns: [] }));
      if (row.column_name === null) continue;
      const serial = /^nextval\(/.test(row.column_default ?? "");
      t.columns.push({ name: row.column_name, dataType: row.data_type ?? "", isAutoIncrementing: serial, isNullable: row.is_nullable === "YES", hasDefaultValue: row.column_default !== null });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** PostgreSQL as Kysely speaks it, with introspection kept to Inkan's own schema. */
export class OwnSchemaPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly schema: string | undefined,
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db, this.schema);
  }
}
