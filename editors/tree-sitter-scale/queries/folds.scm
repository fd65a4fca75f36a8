;; Folds for Neovim: a block, or a list that spans lines.

[
  (block)
  (list)
] @fold
