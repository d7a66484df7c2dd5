.PHONY: run test install neo4j-start neo4j-stop

run:          ## install, load the seed and demo data, serve http://127.0.0.1:8000
	scripts/run.sh

test:         ## lint, type-check, start a real Neo4j, run the whole suite
	scripts/test.sh

install:
	scripts/bootstrap.sh --dev

neo4j-start:  ## a development Neo4j on bolt://127.0.0.1:7687 (built from Maven Central)
	PYTHON=.venv/bin/python scripts/neo4j-server.sh start
	PYTHON=.venv/bin/python scripts/neo4j-server.sh wait

neo4j-stop:
	scripts/neo4j-server.sh stop
