// The Neo4j reference of `survgraph bench load`: Neo4j's own LOAD CSV of the synthetic
// USAspending prime-award file, writing the records our load writes for it: the view (the
// nodes and ties a query reads, with their properties, sources and search terms), then the
// statements behind it (:Fragment, :Ident, :Canon, :Origin, laid out as our store lays them
// out). Run by graph_service/bench/load_csv.py, one statement per `// ==` block, in order; the
// view's blocks are timed apart from the statements' blocks.
//
// Labels and types are written {{Label}}: the runner fills each with the schema's name after
// checking it is a kind or relationship type of schema/model.yaml, the common Entity label or
// a statement label of graph_service/neo4j_schema.py. Every value is a parameter:
//   $url             the file, as the server reads it (file:///name in its import folder)
//   $file_name       its name (the statements' record labels: name:row)
//   $rows_per_tx     rows per transaction
//   $day             first_seen / last_seen of every record (the load's day)
//   $file_source     {id, name, props}: the file's Source
//   $catalog_source  {id, name}: the catalogs' Source
//   $source_statements  the two Sources' statements {id, name, origin_key, rank, values}
//   $origins / $ranks   file, inference, catalog -> the :Origin key / the policy's rank
//   $origin_nodes    the three :Origin nodes {key, source, origin}
//   $agencies        code -> catalog agency {id, name, acronym, code, level, aliases}
//   $agency_list     every catalog agency {id, parent, domains: [{id, name}]}
//   $technologies    id -> catalog technology {id, name, atlas_name, aliases}
//   $tags            'description|psc|psc description|naics|naics description' -> the tags
//                    our tagging rules give that text: [{technology, rule, matched}], computed
//                    once per distinct text before the load (as a columnar load would)
//
// What it does not do, and why: companies are keyed by UEI (every synthetic vendor has one, so
// the count is the same as our name resolution's); ids of Sources and Contracts are lowered
// rather than slugged (same count: the synthetic keys differ in letters and digits only);
// statements are keyed by row or by content rather than by a digest of their content (the
// same count: the bench compares every label and statement kind). It derives nothing: the
// view's values are the file's, where our store derives them from the statements by policy.

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

// == statements
// The statements behind that view, as our store keeps them (docs/neo4j-store.md): a :Fragment
// per claim (its values flat as v_<key>, its origin's :Origin, rank, record and days), the
// :Ident rows of identifiers and conflict values, a :Canon where an entity's canonical id is
// not its own. A second pass over the file: the view's figures above stay the view alone.
// Claims made once per row are keyed by their row (an id as short as our digests); claims
// several rows repeat (a company's name variant, an IDV, an agency) by their content, so
// repeats meet as they do in our store.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  WITH row, coalesce(row.parent_award_id_piid, '') AS idv,
       $file_name + ':' + toString(linenumber() - 1) AS record,
       'source:usaspending-' + toLower(row.contract_award_unique_key) AS link
  WITH row, idv, record, link, [$file_source.id, link] AS sources,
       'contract:' + toLower(row.award_id_piid)
         + CASE WHEN idv = '' THEN '' ELSE '--' + toLower(idv) END AS contract,
       'company:' + toLower(row.recipient_uei) AS vendor
  MATCH (c:{{Contract}} {id: contract})
  WITH row, idv, record, link, sources, record + '|' AS key, contract, vendor,
       c.start_date AS start, c.end_date AS end, c.obligated AS amount
  MERGE (s:{{Fragment}} {id: key + 's'})
    ON CREATE SET s.kind = 'Source', s.entity = link, s.record = record,
                  s.origin_key = $origins.file, s.rank = $ranks.file,
                  s.name = 'USAspending.gov award ' + row.award_id_piid,
                  s.sources = [$file_source.id], s.v_publisher = 'USAspending.gov',
                  s.v_source_kind = 'procurement-record', s.v_url = row.usaspending_permalink,
                  s.first_seen = $day, s.last_seen = $day
  MERGE (f:{{Fragment}} {id: key + 'c'})
    ON CREATE SET f.kind = 'Contract', f.entity = contract, f.record = record,
                  f.origin_key = $origins.file, f.rank = $ranks.file,
                  f.name = row.award_id_piid, f.sources = sources,
                  f.v_piid = row.award_id_piid, f.v_award_key = row.contract_award_unique_key,
                  f.v_parent_piid = CASE WHEN idv = '' THEN null ELSE idv END,
                  f.v_permalink = row.usaspending_permalink, f.v_obligated = amount,
                  f.v_potential = toFloat(replace(row.potential_total_value_of_award, ',', '')),
                  f.v_start_date = start, f.v_end_date = end,
                  f.v_fiscal_year = toInteger(row.award_base_action_date_fiscal_year),
                  f.v_description = row.prime_award_base_transaction_description,
                  f.v_psc = row.product_or_service_code,
                  f.v_psc_description = row.product_or_service_code_description,
                  f.v_naics = row.naics_code, f.v_naics_description = row.naics_description,
                  f.v_award_type = row.award_type, f.first_seen = $day, f.last_seen = $day
  MERGE (i1:{{Ident}} {entity: contract, prop: 'piid', value: row.award_id_piid})
    ON CREATE SET i1.kind = 'Contract', i1.is_key = 1
  FOREACH (_ IN CASE WHEN idv = '' THEN [] ELSE [1] END |
    MERGE (i2:{{Ident}} {entity: contract, prop: 'parent_piid', value: idv})
      ON CREATE SET i2.kind = 'Contract', i2.is_key = 0
    MERGE (p:{{Fragment}} {id: 'idv|' + idv})
      ON CREATE SET p.kind = 'Contract', p.entity = 'contract:' + toLower(idv),
                    p.record = record, p.origin_key = $origins.file, p.rank = $ranks.file,
                    p.name = idv, p.sources = [$file_source.id], p.v_piid = idv,
                    p.first_seen = $day, p.last_seen = $day
    MERGE (i3:{{Ident}} {entity: 'contract:' + toLower(idv), prop: 'piid', value: idv})
      ON CREATE SET i3.kind = 'Contract', i3.is_key = 1
    MERGE (t:{{Fragment}} {id: key + 'i'})
      ON CREATE SET t.kind = 'CHILD_OF', t.src = contract, t.dst = 'contract:' + toLower(idv),
                    t.record = record, t.origin_key = $origins.file, t.rank = $ranks.file,
                    t.status = 'reported', t.sources = sources, t.first_seen = $day,
                    t.last_seen = $day)
  // The recipient as this row names it, and its parent (never itself).
  MERGE (v:{{Fragment}} {id: 'company|' + row.recipient_uei + '|' + row.recipient_name + '|'
                             + coalesce(row.recipient_city_name, '') + '|'
                             + coalesce(row.recipient_state_code, '') + '|'
                             + coalesce(row.recipient_country_code, '')})
    ON CREATE SET v.kind = 'Company', v.entity = vendor, v.record = record,
                  v.origin_key = $origins.file, v.rank = $ranks.file,
                  v.name = row.recipient_name, v.sources = [$file_source.id],
                  v.v_uei = row.recipient_uei, v.v_city = row.recipient_city_name,
                  v.v_state = row.recipient_state_code,
                  v.v_country = row.recipient_country_code, v.first_seen = $day,
                  v.last_seen = $day
  MERGE (i4:{{Ident}} {entity: vendor, prop: 'uei', value: row.recipient_uei})
    ON CREATE SET i4.kind = 'Company', i4.is_key = 1
  MERGE (i5:{{Ident}} {entity: vendor, prop: '~base', value: vendor + '~base'})
    ON CREATE SET i5.kind = 'Company', i5.is_key = 1
  MERGE (k:{{Canon}} {entity: vendor + '~uei'})
    ON CREATE SET k.canonical = vendor, k.kind = 'Company'
  MERGE (a:{{Fragment}} {id: key + 't'})
    ON CREATE SET a.kind = 'AWARDED_TO', a.src = contract, a.dst = vendor, a.record = record,
                  a.origin_key = $origins.file, a.rank = $ranks.file, a.status = 'reported',
                  a.sources = sources, a.v_amount = amount,
                  a.v_basis = 'uei:' + row.recipient_uei, a.v_valid_from = start,
                  a.v_valid_to = end, a.first_seen = $day, a.last_seen = $day
  // Its parent as the row names it (a row naming the recipient its own parent states the name,
  // not the tie).
  FOREACH (_ IN CASE WHEN coalesce(row.recipient_parent_uei, '') = '' THEN [] ELSE [1] END |
    MERGE (p:{{Fragment}} {id: 'parent|' + row.recipient_parent_uei + '|'
                               + row.recipient_parent_name})
      ON CREATE SET p.kind = 'Company', p.entity = 'company:' + toLower(row.recipient_parent_uei),
                    p.record = record, p.origin_key = $origins.file, p.rank = $ranks.file,
                    p.name = row.recipient_parent_name, p.sources = [$file_source.id],
                    p.v_uei = row.recipient_parent_uei, p.first_seen = $day, p.last_seen = $day
    MERGE (i6:{{Ident}} {entity: 'company:' + toLower(row.recipient_parent_uei), prop: 'uei',
                       value: row.recipient_parent_uei})
      ON CREATE SET i6.kind = 'Company', i6.is_key = 1
    MERGE (i7:{{Ident}} {entity: 'company:' + toLower(row.recipient_parent_uei), prop: '~base',
                       value: 'company:' + toLower(row.recipient_parent_uei) + '~base'})
      ON CREATE SET i7.kind = 'Company', i7.is_key = 1
    MERGE (k2:{{Canon}} {entity: 'company:' + toLower(row.recipient_parent_uei) + '~uei'})
      ON CREATE SET k2.canonical = 'company:' + toLower(row.recipient_parent_uei),
                    k2.kind = 'Company'
    FOREACH (tie IN CASE WHEN row.recipient_parent_uei = row.recipient_uei THEN [] ELSE [1] END |
      MERGE (o:{{Fragment}} {id: key + 'p'})
        ON CREATE SET o.kind = 'SUBSIDIARY_OF', o.src = vendor,
                      o.dst = 'company:' + toLower(row.recipient_parent_uei),
                      o.record = record, o.origin_key = $origins.file, o.rank = $ranks.file,
                      o.status = 'reported', o.sources = sources,
                      o.v_basis = 'uei:' + row.recipient_parent_uei, o.v_valid_from = start,
                      o.v_valid_to = end, o.first_seen = $day, o.last_seen = $day))
  // The awarding and funding sides, the agencies as the file states them, PART_OF by code.
  WITH row, record, key, sources, contract, start, end,
       [[row.awarding_sub_agency_code, row.awarding_agency_code, 'AWARDED_BY', 'b'],
        [row.funding_sub_agency_code, row.funding_agency_code, 'FUNDED_BY', 'f']] AS sides
  UNWIND sides AS side
  WITH row, record, key, sources, contract, start, end, side, $agencies[side[0]] AS sub,
       $agencies[side[1]] AS top
  MERGE (b:{{Fragment}} {id: key + side[3]})
    ON CREATE SET b.kind = side[2], b.src = contract, b.dst = sub.id, b.record = record,
                  b.origin_key = $origins.file, b.rank = $ranks.file, b.status = 'reported',
                  b.sources = sources, b.v_valid_from = start, b.v_valid_to = end,
                  b.first_seen = $day, b.last_seen = $day
  FOREACH (agency IN [sub, top] |
    MERGE (g:{{Fragment}} {id: 'agency|' + agency.id})
      ON CREATE SET g.kind = 'Agency', g.entity = agency.id, g.record = record,
                    g.origin_key = $origins.file, g.rank = $ranks.file, g.name = agency.name,
                    g.aliases = agency.aliases, g.sources = [$file_source.id],
                    g.v_acronym = agency.acronym, g.v_code = agency.code,
                    g.v_level = agency.level, g.first_seen = $day, g.last_seen = $day
    MERGE (i8:{{Ident}} {entity: agency.id, prop: 'code', value: agency.code})
      ON CREATE SET i8.kind = 'Agency', i8.is_key = 1
    MERGE (i9:{{Ident}} {entity: agency.id, prop: '~base', value: agency.id})
      ON CREATE SET i9.kind = 'Agency', i9.is_key = 1)
  MERGE (u:{{Fragment}} {id: 'part-of|' + sub.id})
    ON CREATE SET u.kind = 'PART_OF', u.src = sub.id, u.dst = top.id, u.record = record,
                  u.origin_key = $origins.file, u.rank = $ranks.file, u.status = 'reported',
                  u.sources = [$file_source.id], u.v_basis = 'code:' + sub.code,
                  u.first_seen = $day, u.last_seen = $day
  // The technology tags (once per row: on the awarding side only), inferred, ranked below.
  WITH row, record, key, sources, contract, side WHERE side[2] = 'AWARDED_BY'
  FOREACH (tag IN coalesce($tags[coalesce(row.prime_award_base_transaction_description, '')
                                 + '|' + coalesce(row.product_or_service_code, '')
                                 + '|' + coalesce(row.product_or_service_code_description, '')
                                 + '|' + coalesce(row.naics_code, '')
                                 + '|' + coalesce(row.naics_description, '')], []) |
    MERGE (r:{{Fragment}} {id: key + tag.technology})
      ON CREATE SET r.kind = 'OF_TECHNOLOGY', r.src = contract, r.dst = tag.technology,
                    r.record = record, r.origin_key = $origins.inference,
                    r.rank = $ranks.inference, r.status = 'inferred', r.sources = sources,
                    r.v_rule = tag.rule, r.v_matched = tag.matched, r.first_seen = $day,
                    r.last_seen = $day
    MERGE (t:{{Fragment}} {id: 'technology|' + tag.technology})
      ON CREATE SET t.kind = 'Technology', t.entity = tag.technology, t.record = record,
                    t.origin_key = $origins.catalog, t.rank = $ranks.catalog,
                    t.name = $technologies[tag.technology].name,
                    t.aliases = $technologies[tag.technology].aliases,
                    t.sources = [$catalog_source.id],
                    t.v_atlas_name = $technologies[tag.technology].atlas_name,
                    t.first_seen = $day, t.last_seen = $day)
} IN TRANSACTIONS OF $rows_per_tx ROWS

// == catalog_statements
// The statements of the file's and the catalogs' Sources, the three :Origin nodes, and the
// catalog's claims about the agencies the rows named (domains, OPERATES_IN, PART_OF).
UNWIND $source_statements AS source
MERGE (f:{{Fragment}} {id: 'source|' + source.id})
  ON CREATE SET f += source.values, f.kind = 'Source', f.entity = source.id,
                f.record = $file_name, f.origin_key = source.origin_key, f.rank = source.rank,
                f.name = source.name, f.sources = [source.id], f.first_seen = $day,
                f.last_seen = $day
WITH count(*) AS done
UNWIND $origin_nodes AS origin
MERGE (o:{{Origin}} {key: origin.key})
  ON CREATE SET o.source = origin.source, o.origin = origin.origin
WITH count(*) AS done
UNWIND $agency_list AS entry
MATCH (:{{Agency}} {id: entry.id})
FOREACH (domain IN entry.domains |
  MERGE (d:{{Fragment}} {id: 'domain|' + domain.id})
    ON CREATE SET d.kind = 'Domain', d.entity = domain.id, d.record = $file_name,
                  d.origin_key = $origins.catalog, d.rank = $ranks.catalog,
                  d.name = domain.name, d.sources = [$catalog_source.id], d.first_seen = $day,
                  d.last_seen = $day
  MERGE (o:{{Fragment}} {id: 'operates-in|' + entry.id + '|' + domain.id})
    ON CREATE SET o.kind = 'OPERATES_IN', o.src = entry.id, o.dst = domain.id,
                  o.record = $file_name, o.origin_key = $origins.catalog,
                  o.rank = $ranks.catalog, o.status = 'inferred',
                  o.sources = [$catalog_source.id], o.v_rule = 'agency-catalog',
                  o.first_seen = $day, o.last_seen = $day)
FOREACH (parent IN CASE WHEN entry.parent IS NULL THEN [] ELSE [entry.parent] END |
  MERGE (u:{{Fragment}} {id: 'part-of-catalog|' + entry.id})
    ON CREATE SET u.kind = 'PART_OF', u.src = entry.id, u.dst = parent,
                  u.record = $file_name, u.origin_key = $origins.catalog,
                  u.rank = $ranks.catalog, u.status = 'inferred',
                  u.sources = [$catalog_source.id], u.v_rule = 'agency-catalog',
                  u.first_seen = $day, u.last_seen = $day)
