;; Indentation for nvim-treesitter: the contents of a block, list or call's
;; arguments are indented one level; the closing bracket goes back.
;; editors/helix/queries/scale/indents.scm is the same for Helix.

[
  (block)
  (list)
  (arguments)
] @indent.begin

[
  "}"
  "]"
  ")"
] @indent.branch @indent.end

(comment) @indent.auto
