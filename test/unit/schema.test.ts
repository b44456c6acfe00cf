import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildSchema, Kind, lexicographicSortSchema, parse, printSchema, validate } from 'graphql';
import { composeSupergraph } from '../../src/gateway/compose';
import { operatorOperations, shopperOperations } from '../../src/gateway/playground';
import { schemaFiles } from '../../src/schema-files';
import { printSubgraphSdls } from '../../src/subgraphs/subgraph-sdl';

const schemaDir = path.join(__dirname, '..', '..', 'schema');

describe('schema artifacts', () => {
  test('schema/ matches the code (run "npm run schema" when this fails)', async () => {
    const files = await schemaFiles();
    for (const [file, content] of Object.entries(files)) {
      expect(`${file}:\n${fs.readFileSync(path.join(schemaDir, file), 'utf8')}`).toBe(`${file}:\n${content}`);
    }
    expect(Object.keys(files).sort()).toEqual([
      'credit.graphql',
      'installment.graphql',
      'mall.graphql',
      'supergraph.graphql',
      'wallets.graphql',
    ]);
  });

  test('the subgraphs also compose with @apollo/composition (portable to Apollo Router)', async () => {
    const sdls = await printSubgraphSdls();
    const services = Object.entries(sdls).map(([name, sdl]) => ({
      name,
      url: `http://${name}`,
      typeDefs: parse(sdl),
    }));
    const apollo = composeServices(services);
    expect(apollo.errors ?? []).toEqual([]);

    // Both composers must expose the same client-facing API.
    const apolloApi = apollo.schema!.toAPISchema().toGraphQLJSSchema();
    const ours = composeSupergraph(
      Object.entries(sdls).map(([name, sdl]) => ({ name, url: `http://${name}`, sdl })),
    );
    const { composeServices: composeGuild } = await import('@theguild/federation-composition');
    const guild = composeGuild(services);
    expect(guild.supergraphSdl).toBe(ours);
    const normalize = (schema: ReturnType<typeof buildSchema>) =>
      printSchema(lexicographicSortSchema(schema)).replace(/"""[\s\S]*?"""\n\s*/g, '');
    expect(normalize(buildSchema(guild.publicSdl!))).toBe(normalize(apolloApi));
  });

  test('every field and input field of the supergraph has a description', () => {
    const supergraph = parse(fs.readFileSync(path.join(schemaDir, 'supergraph.graphql'), 'utf8'));
    const undescribed = supergraph.definitions.flatMap((definition) =>
      'fields' in definition && definition.fields && !/^(join|link)__/.test(definition.name.value)
        ? definition.fields
            .filter((field) => !field.description?.value.trim())
            .map((field) => `${definition.name.value}.${field.name.value}`)
        : [],
    );
    expect(undescribed).toEqual([]);
  });

  test('every field argument and enum value of the supergraph has a description', () => {
    const supergraph = parse(fs.readFileSync(path.join(schemaDir, 'supergraph.graphql'), 'utf8'));
    const undescribed = supergraph.definitions.flatMap((definition) => {
      if (!('name' in definition) || !definition.name || /^(join|link)__/.test(definition.name.value))
        return [];
      const type = definition.name.value;
      if (definition.kind === Kind.ENUM_TYPE_DEFINITION)
        return (definition.values ?? [])
          .filter((value) => !value.description?.value.trim())
          .map((value) => `${type}.${value.name.value}`);
      if (
        definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
        definition.kind === Kind.INTERFACE_TYPE_DEFINITION
      )
        return (definition.fields ?? []).flatMap((field) =>
          (field.arguments ?? [])
            .filter((argument) => !argument.description?.value.trim())
            .map((argument) => `${type}.${field.name.value}(${argument.name.value})`),
        );
      return [];
    });
    expect(undescribed).toEqual([]);
  });

  test('the graph crosses subgraphs: User is extended by mall, installment store and wallets', async () => {
    const supergraph = fs.readFileSync(path.join(schemaDir, 'supergraph.graphql'), 'utf8');
    const user = /type User [^{]*\{[^}]*\}/.exec(supergraph)?.[0] ?? '';
    for (const graph of ['CREDIT', 'MALL', 'INSTALLMENT', 'WALLETS'])
      expect(user).toContain(`graph: ${graph}, key: "id"`);
    for (const field of ['creditLine', 'mallOrders', 'installmentOrders', 'channelBindings'])
      expect(user).toContain(field);
  });
});

describe('local-only operations', () => {
  test('the production schema has no clock controls; the local one does', async () => {
    const production = await printSubgraphSdls('production');
    const local = await printSubgraphSdls('local');
    for (const field of ['advanceClock', 'runDueJobs', 'businessClock']) {
      expect(production.credit).not.toContain(field);
      expect(local.credit).toContain(field);
    }
  });
});

describe('playground examples', () => {
  test('every example operation is valid against the supergraph API', async () => {
    const { composeServices: composeGuild } = await import('@theguild/federation-composition');
    const sdls = await printSubgraphSdls('local');
    const api = buildSchema(
      composeGuild(
        Object.entries(sdls).map(([name, sdl]) => ({ name, url: `http://${name}`, typeDefs: parse(sdl) })),
      ).publicSdl!,
    );
    for (const operations of [shopperOperations, operatorOperations]) {
      expect(validate(api, parse(operations)).map((error) => error.message)).toEqual([]);
    }
  });
});
