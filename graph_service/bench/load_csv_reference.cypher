// The Neo4j reference of `survgraph bench load`: Neo4j's own LOAD CSV of the synthetic
// USAspending prime-award file, writing the same view our load writes for it (the nodes and
// ties a query reads), with their properties, sources and search terms. Run by
// graph_service/bench/load_csv.py, one statement per `// ==` block, in order.
//
// Labels and types are written {{Label}}: the runner fills each with the schema's name after
// checking it is a kind or relationship type of schema/model.yaml (or the common Entity label).
// Every value is a parameter:
//   $url             the file, as the server reads it (file:///name in its import folder)
//   $rows_per_tx     rows per transaction
//   $day             first_seen / last_seen of every record (the load's day)
//   $file_source     {id, name, props}: the file's Source
//   $catalog_source  {id, name}: the catalogs' Source
//   $agencies        code -> catalog agency {id, name, acronym, code, level, aliases}
//   $agency_list     every catalog agency {id, parent, domains: [{id, name}]}
//   $technologies    id -> catalog technology {id, name, atlas_name, aliases}
//   $tags            'description|psc|psc description|naics|naics description' -> the tags
//                    our tagging rules give that text: [{technology, rule, matched}], computed
//                    once per distinct text before the load (as a columnar load would)
//
// What it does not do, and why: companies are keyed by UEI (every synthetic vendor has one, so
// the count is the same as our name resolution's); ids of Sources and Contracts are lowered
// rather than slugged (same count: the synthetic keys differ in letters and digits only); no
// statements (Fragment, Ident, Canon nodes) are written: that is our store's provenance layer,
// counted apart by the bench.

// == sources
MERGE (f:{{Entity}} {id: $file_source.id})
SET f:{{Source}}, f += $file_source.props, f.name = $file_source.name, f.aliases = [],
    f.sources = [$file_source.id], f.first_seen = $day, f.last_seen = $day,
    f._fold = toLower($file_source.name), f._terms = [toLower($file_source.name)],
    f._search = toLower($file_source.name)
MERGE (k:{{Entity}} {id: $catalog_source.id})
SET k:{{Source}}, k.name = $catalog_source.name, k.aliases = [], k.sources = [],
    k.first_seen = $day, k.last_seen = $day, k._fold = toLower($catalog_source.name),
    k._terms = [toLower($catalog_source.name)], k._search = toLower($catalog_source.name)

// == rows
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  WITH row, coalesce(row.parent_award_id_piid, '') AS idv,
       split(coalesce(row.period_of_performance_start_date, ''), '/') AS sd,
       split(coalesce(row.period_of_performance_current_end_date, ''), '/') AS ed
  WITH row, idv,
       CASE WHEN size(sd) = 3 THEN toString(date({
              year: toInteger(sd[2]) + CASE WHEN toInteger(sd[2]) >= 100 THEN 0
                                            WHEN toInteger(sd[2]) >= 69 THEN 1900 ELSE 2000 END,
              month: toInteger(sd[0]), day: toInteger(sd[1])}))
            ELSE row.period_of_performance_start_date END AS start,
       CASE WHEN size(ed) = 3 THEN toString(date({
              year: toInteger(ed[2]) + CASE WHEN toInteger(ed[2]) >= 100 THEN 0
                                            WHEN toInteger(ed[2]) >= 69 THEN 1900 ELSE 2000 END,
              month: toInteger(ed[0]), day: toInteger(ed[1])}))
            ELSE row.period_of_performance_current_end_date END AS end,
       toFloat(replace(row.total_obligated_amount, ',', '')) AS amount,
       'source:usaspending-' + toLower(row.contract_award_unique_key) AS link
  WITH row, idv, start, end, amount, link, [$file_source.id, link] AS sources,
       'contract:' + toLower(row.award_id_piid)
         + CASE WHEN idv = '' THEN '' ELSE '--' + toLower(idv) END AS contract
  // The award's permalink Source.
  MERGE (s:{{Entity}} {id: link})
    ON CREATE SET s:{{Source}}, s.name = 'USAspending.gov award ' + row.award_id_piid,
                  s.url = row.usaspending_permalink, s.publisher = 'USAspending.gov',
                  s.source_kind = 'procurement-record', s.aliases = [],
                  s.sources = [$file_source.id], s.first_seen = $day, s.last_seen = $day,
                  s._fold = toLower('USAspending.gov award ' + row.award_id_piid),
                  s._terms = [toLower('USAspending.gov award ' + row.award_id_piid)],
                  s._search = toLower('USAspending.gov award ' + row.award_id_piid)
  // The contract.
  MERGE (c:{{Entity}} {id: contract})
  SET c:{{Contract}}, c.name = row.award_id_piid, c.piid = row.award_id_piid,
      c.award_key = row.contract_award_unique_key,
      c.parent_piid = CASE WHEN idv = '' THEN null ELSE idv END,
      c.permalink = row.usaspending_permalink, c.obligated = amount,
      c.potential = toFloat(replace(row.potential_total_value_of_award, ',', '')),
      c.start_date = start, c.end_date = end,
      c.fiscal_year = toInteger(row.award_base_action_date_fiscal_year),
      c.description = row.prime_award_base_transaction_description,
      c.psc = row.product_or_service_code,
      c.psc_description = row.product_or_service_code_description,
      c.naics = row.naics_code, c.naics_description = row.naics_description,
      c.award_type = row.award_type, c.aliases = [], c.sources = sources,
      c.first_seen = $day, c.last_seen = $day, c._fold = toLower(row.award_id_piid),
      c._terms = [toLower(row.award_id_piid)], c._search = toLower(row.award_id_piid)
  // The IDV it is an order under.
  FOREACH (_ IN CASE WHEN idv = '' THEN [] ELSE [1] END |
    MERGE (p:{{Entity}} {id: 'contract:' + toLower(idv)})
      ON CREATE SET p:{{Contract}}, p.name = idv, p.piid = idv, p.aliases = [],
                    p.sources = [$file_source.id], p.first_seen = $day, p.last_seen = $day,
                    p._fold = toLower(idv), p._terms = [toLower(idv)], p._search = toLower(idv)
    MERGE (c)-[t:{{CHILD_OF}}]->(p)
      ON CREATE SET t.status = 'reported', t.sources = sources, t.first_seen = $day,
                    t.last_seen = $day)
  // The recipient, keyed by UEI; every other name it is written under becomes an alias.
  MERGE (v:{{Entity}} {id: 'company:' + toLower(row.recipient_uei)})
    ON CREATE SET v:{{Company}}, v.name = row.recipient_name, v.uei = row.recipient_uei,
                  v.aliases = [], v.sources = [$file_source.id], v.first_seen = $day,
                  v.last_seen = $day, v._fold = toLower(row.recipient_name),
                  v._terms = [toLower(row.recipient_name)],
                  v._search = toLower(row.recipient_name)
  SET v.city = row.recipient_city_name, v.state = row.recipient_state_code,
      v.country = row.recipient_country_code
  FOREACH (_ IN CASE WHEN row.recipient_name = v.name OR row.recipient_name IN v.aliases
                     THEN [] ELSE [1] END |
    SET v.aliases = v.aliases + row.recipient_name,
        v._terms = v._terms + toLower(row.recipient_name),
        v._search = v._search + '\u001F' + toLower(row.recipient_name))
  MERGE (c)-[a:{{AWARDED_TO}}]->(v)
  SET a.status = 'reported', a.basis = 'uei:' + row.recipient_uei, a.amount = amount,
      a.valid_from = start, a.valid_to = end, a.sources = sources, a.first_seen = $day,
      a.last_seen = $day
  // Its parent (never itself), dated by the awards that state it (earliest start, latest end).
  FOREACH (_ IN CASE WHEN coalesce(row.recipient_parent_uei, '') IN ['', row.recipient_uei]
                     THEN [] ELSE [1] END |
    MERGE (p:{{Entity}} {id: 'company:' + toLower(row.recipient_parent_uei)})
      ON CREATE SET p:{{Company}}, p.name = row.recipient_parent_name,
                    p.uei = row.recipient_parent_uei, p.aliases = [],
                    p.sources = [$file_source.id], p.first_seen = $day, p.last_seen = $day,
                    p._fold = toLower(row.recipient_parent_name),
                    p._terms = [toLower(row.recipient_parent_name)],
                    p._search = toLower(row.recipient_parent_name)
    MERGE (v)-[o:{{SUBSIDIARY_OF}}]->(p)
      ON CREATE SET o.status = 'reported', o.basis = 'uei:' + row.recipient_parent_uei,
                    o.valid_from = start, o.valid_to = end, o.sources = [$file_source.id],
                    o.first_seen = $day, o.last_seen = $day
      ON MATCH SET o.valid_from = CASE WHEN start < o.valid_from THEN start
                                       ELSE o.valid_from END,
                   o.valid_to = CASE WHEN end > o.valid_to THEN end ELSE o.valid_to END
    SET o.sources = CASE WHEN link IN o.sources THEN o.sources ELSE o.sources + link END)
  // The awarding and funding sub-agencies (catalog entries by code), PART_OF their agency.
  WITH row, c, start, end, sources,
       [[row.awarding_sub_agency_code, row.awarding_agency_code, 'AWARDED_BY'],
        [row.funding_sub_agency_code, row.funding_agency_code, 'FUNDED_BY']] AS sides
  UNWIND sides AS side
  WITH row, c, start, end, sources, side, $agencies[side[0]] AS sub, $agencies[side[1]] AS top
  MERGE (g:{{Entity}} {id: sub.id})
    ON CREATE SET g:{{Agency}}, g.name = sub.name, g.acronym = sub.acronym, g.code = sub.code,
                  g.level = sub.level, g.aliases = sub.aliases, g.sources = [$file_source.id],
                  g.first_seen = $day, g.last_seen = $day, g._fold = toLower(sub.name),
                  g._terms = [toLower(sub.name)] + [x IN sub.aliases | toLower(x)],
                  g._search = reduce(s = toLower(sub.name), x IN sub.aliases
                                     | s + '\u001F' + toLower(x))
  MERGE (d:{{Entity}} {id: top.id})
    ON CREATE SET d:{{Agency}}, d.name = top.name, d.acronym = top.acronym, d.code = top.code,
                  d.level = top.level, d.aliases = top.aliases, d.sources = [$file_source.id],
                  d.first_seen = $day, d.last_seen = $day, d._fold = toLower(top.name),
                  d._terms = [toLower(top.name)] + [x IN top.aliases | toLower(x)],
                  d._search = reduce(s = toLower(top.name), x IN top.aliases
                                     | s + '\u001F' + toLower(x))
  MERGE (g)-[u:{{PART_OF}}]->(d)
    ON CREATE SET u.status = 'reported', u.basis = 'code:' + sub.code, u.rule = 'agency-catalog',
                  u.sources = [$file_source.id, $catalog_source.id], u.first_seen = $day,
                  u.last_seen = $day
  FOREACH (_ IN CASE WHEN side[2] = 'AWARDED_BY' THEN [1] ELSE [] END |
    MERGE (c)-[b:{{AWARDED_BY}}]->(g)
    SET b.status = 'reported', b.valid_from = start, b.valid_to = end, b.sources = sources,
        b.first_seen = $day, b.last_seen = $day)
  FOREACH (_ IN CASE WHEN side[2] = 'FUNDED_BY' THEN [1] ELSE [] END |
    MERGE (c)-[b:{{FUNDED_BY}}]->(g)
    SET b.status = 'reported', b.valid_from = start, b.valid_to = end, b.sources = sources,
        b.first_seen = $day, b.last_seen = $day)
  // The technology tags of the award's text (once per row: on the awarding side only).
  WITH row, c, sources, side WHERE side[2] = 'AWARDED_BY'
  FOREACH (tag IN coalesce($tags[coalesce(row.prime_award_base_transaction_description, '')
                                 + '|' + coalesce(row.product_or_service_code, '')
                                 + '|' + coalesce(row.product_or_service_code_description, '')
                                 + '|' + coalesce(row.naics_code, '')
                                 + '|' + coalesce(row.naics_description, '')], []) |
    MERGE (t:{{Entity}} {id: tag.technology})
      ON CREATE SET t:{{Technology}}, t.name = $technologies[tag.technology].name,
                    t.atlas_name = $technologies[tag.technology].atlas_name,
                    t.aliases = $technologies[tag.technology].aliases,
                    t.sources = [$catalog_source.id], t.first_seen = $day, t.last_seen = $day,
                    t._fold = toLower($technologies[tag.technology].name),
                    t._terms = [toLower($technologies[tag.technology].name)],
                    t._search = toLower($technologies[tag.technology].name)
    MERGE (c)-[r:{{OF_TECHNOLOGY}}]->(t)
    SET r.status = 'inferred', r.rule = tag.rule, r.matched = tag.matched,
        r.sources = sources, r.first_seen = $day, r.last_seen = $day)
} IN TRANSACTIONS OF $rows_per_tx ROWS

// == catalog
// The catalog's side of the agencies the rows named: their domains (OPERATES_IN) and the
// PART_OF chain up to the top.
UNWIND $agency_list AS entry
MATCH (g:{{Agency}} {id: entry.id})
FOREACH (domain IN entry.domains |
  MERGE (d:{{Entity}} {id: domain.id})
    ON CREATE SET d:{{Domain}}, d.name = domain.name, d.aliases = [],
                  d.sources = [$catalog_source.id], d.first_seen = $day, d.last_seen = $day,
                  d._fold = toLower(domain.name), d._terms = [toLower(domain.name)],
                  d._search = toLower(domain.name)
  MERGE (g)-[o:{{OPERATES_IN}}]->(d)
    ON CREATE SET o.status = 'inferred', o.rule = 'agency-catalog',
                  o.sources = [$catalog_source.id], o.first_seen = $day, o.last_seen = $day)
FOREACH (parent IN CASE WHEN entry.parent IS NULL THEN [] ELSE [entry.parent] END |
  MERGE (p:{{Entity}} {id: parent})
    ON CREATE SET p:{{Agency}}, p.name = parent
  MERGE (g)-[u:{{PART_OF}}]->(p)
    ON CREATE SET u.status = 'inferred', u.rule = 'agency-catalog',
                  u.sources = [$catalog_source.id], u.first_seen = $day, u.last_seen = $day)
