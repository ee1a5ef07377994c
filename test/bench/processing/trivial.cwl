cwlVersion: v1.2
class: CommandLineTool
id: trivial
label: Writes one line (the benchmark's trivial CWL job)
baseCommand: echo
arguments: [done]
inputs:
  n:
    type: int
    default: 0
outputs: []
