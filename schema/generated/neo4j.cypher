// Generated from schema/model.yaml by `survgraph schema generate`: do not edit.
// Neo4jStore runs these statements on connect (each is IF NOT EXISTS).
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT agency_id IF NOT EXISTS FOR (n:Agency) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT community_id IF NOT EXISTS FOR (n:Community) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contract_id IF NOT EXISTS FOR (n:Contract) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT domain_id IF NOT EXISTS FOR (n:Domain) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT technology_id IF NOT EXISTS FOR (n:Technology) REQUIRE n.id IS UNIQUE;
CREATE INDEX agency_code IF NOT EXISTS FOR (n:Agency) ON (n.code);
CREATE INDEX company_duns IF NOT EXISTS FOR (n:Company) ON (n.duns);
CREATE INDEX company_uei IF NOT EXISTS FOR (n:Company) ON (n.uei);
CREATE INDEX contract_award_key IF NOT EXISTS FOR (n:Contract) ON (n.award_key);
CREATE INDEX contract_piid IF NOT EXISTS FOR (n:Contract) ON (n.piid);
CREATE TEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON (n._search);
CREATE CONSTRAINT fragment_id IF NOT EXISTS FOR (f:Fragment) REQUIRE f.id IS UNIQUE;
CREATE INDEX fragment_entity IF NOT EXISTS FOR (f:Fragment) ON (f.entity);
CREATE INDEX fragment_src IF NOT EXISTS FOR (f:Fragment) ON (f.src);
CREATE INDEX fragment_dst IF NOT EXISTS FOR (f:Fragment) ON (f.dst);
CREATE CONSTRAINT canon_entity IF NOT EXISTS FOR (c:Canon) REQUIRE c.entity IS UNIQUE;
CREATE INDEX canon_canonical IF NOT EXISTS FOR (c:Canon) ON (c.canonical);
CREATE CONSTRAINT ident_claim IF NOT EXISTS FOR (i:Ident) REQUIRE (i.entity, i.prop, i.value) IS UNIQUE;
CREATE INDEX ident_entity IF NOT EXISTS FOR (i:Ident) ON (i.entity);
CREATE INDEX ident_value IF NOT EXISTS FOR (i:Ident) ON (i.kind, i.prop, i.value);
