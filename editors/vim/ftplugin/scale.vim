" Vim filetype plugin
" Language: scalec policy (.scale)

if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql
setlocal shiftwidth=2 softtabstop=2 expandtab
" `gq` formats through `scalec fmt`: use it on the whole file (gggqG) or
" on whole top-level blocks. 'formatexpr' runs 'formatprg' and keeps the
" lines when they do not parse.
setlocal formatprg=scalec\ fmt\ --stdin
setlocal formatexpr=scale#Format()

" `:make` runs `scalec check` and fills the quickfix list.
compiler scalec

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions<'
      \ . ' shiftwidth< softtabstop< expandtab< formatprg< formatexpr<'
      \ . ' makeprg< errorformat<'
      \ . ' | unlet! b:current_compiler'

let &cpo = s:cpo_save
unlet s:cpo_save
