/*
 * What the page knows of the agents it reads from their descriptors in GET /agents, so that no agent or label name
 * is written in it: which findings feed the trend tile, which labels are readings, which agents run-now runs.
 */

/** The agent that keeps the posture and the label of its periodic reading, which carries p_up and the posture. */
export function postureReading(agents) {
  const agent = agents.find((a) => a.keeps_posture);
  return {agent: agent?.agent, label: agent?.labels.find((l) => l.role === 'reading')?.label};
}

/** What {@code f}'s label means, as its agent declares it: {label, direction, description, role}. */
export function labelOf(agents, f) {
  return agents.find((a) => a.agent === f.agent)?.labels.find((l) => l.label === f.label);
}

/** The agents run-now runs: the LLM analyst runs on findings, not on demand. */
export function runnable(agents) {
  return agents.filter((a) => !a.needs_llm).map((a) => a.agent);
}
