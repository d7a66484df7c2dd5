// Generated from schema/model.yaml by `survgraph schema generate`: do not edit.
// Neo4jStore runs these statements on connect (each is IF NOT EXISTS).
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT agency_id IF NOT EXISTS FOR (n:Agency) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT community_id IF NOT EXISTS FOR (n:Community) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contract_id IF NOT EXISTS FOR (n:Contract) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contract_action_id IF NOT EXISTS FOR (n:ContractAction) REQUIRE n.id IS UNIQUE;
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
CREATE INDEX contract_action_transaction_key IF NOT EXISTS FOR (n:ContractAction) ON (n.transaction_key);
CREATE TEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON (n._search);
