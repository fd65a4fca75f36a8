;; Indentation for .scale files in Helix: the contents of a block, list or
;; call's arguments are indented one level; the closing bracket goes back.

[
  (block)
  (list)
  (arguments)
] @indent

[
  "}"
  "]"
  ")"
] @outdent
