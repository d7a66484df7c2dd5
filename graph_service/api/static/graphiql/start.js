// Starts GraphiQL against this page's own endpoint; every script is served locally (no CDN).
(function () {
  var url = window.location.pathname;
  var fetcher = GraphiQL.createFetcher({ url: url });
  var example = [
    "# Which companies reach immigration enforcement, and on what evidence?",
    "query {",
    '  companiesReaching(domain: "domain:immigration-enforcement", first: 10) {',
    "    totalCount",
    "    nodes {",
    "      subject { id name }",
    "      paths { nodes { id } edges { type status sources { title excerpt } } }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: example,
      defaultEditorToolsVisibility: true,
    })
  );
})();
