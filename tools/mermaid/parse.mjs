// Parses Mermaid flowcharts with Mermaid itself and prints what it read, for the tests.
// Input (stdin): a JSON array of diagram sources.  Output (stdout): a JSON array with, per
// source, {"error": message} or the nodes, edges and subgraphs Mermaid's parser built.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    await mermaid.parse(source);
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(source);
    results.push({
      nodes: [...db.getVertices().values()].map((v) => ({ id: v.id, text: v.text, classes: v.classes })),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text, stroke: e.stroke, type: e.type })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, nodes: s.nodes })),
      classes: [...db.getClasses().keys()],
    });
  } catch (error) {
    results.push({ error: String(error.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
