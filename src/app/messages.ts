import type { Locale } from "../i18n/index.js";

/**
 * Every text the issuing app shows, Japanese and English. The Japanese table defines the keys; the
 * English one must have each of them (a missing one fails to compile). Server refusals arrive
 * already worded in both languages; these are the app's own words and the "what to do" lines.
 */
const ja = {
  usage: `inkan-app — 証明書発行アプリ（電子証明書の発行・更新・書き出し）

使い方:
  inkan-app [gui] [--server URL] [--bank 金融機関ID] [--no-browser]
                  画面（ブラウザ）で発行・更新・削除（引数なしでも同じ）
  inkan-app issue --server URL --bank 金融機関ID --login-id ログインID [--key rsa2048|p256]
                  [--ca-file FILE] [--renewal-window P30D] [--install]
  inkan-app list [--offline] [--json]
  inkan-app renew [番号|シリアル番号|ログインID] [--install]
  inkan-app export --p12 FILE [番号|シリアル番号|ログインID] [--legacy] [--force] [--yes]
  inkan-app install [--nss [DIR]] [--cert 番号|シリアル番号|ログインID]
                  （既定: Windows は個人の証明書ストア、macOS はログインキーチェーン、Linux は ~/.pki/nssdb）
  inkan-app delete [番号|シリアル番号|ログインID] [--force]

共通オプション:
  --store DIR     証明書ストアの場所（既定: $XDG_DATA_HOME/inkan-app または ~/.local/share/inkan-app、
                  環境変数 INKAN_APP_STORE）
  --ca-file FILE  サーバーのTLS証明書を検証するCA証明書（既定: OSの信頼するCA、環境変数 INKAN_APP_CA_FILE）
  --timeout 秒     サーバーの応答を待つ時間（既定 60）
  --lang ja|en    表示言語（既定: LC_ALL / LC_MESSAGES / LANG から）
  --json          結果をJSONで出力（issue, renew, list）

パスワードは端末では表示せずに尋ねます。スクリプトからは標準入力に1行ずつ渡します
（順序は docs/issuing-app.md を参照）。ストアのパスフレーズは INKAN_APP_PASSPHRASE でも指定できます。`,
  usage_hint: "使い方は `inkan-app --help` をご覧ください。",
  usage_unknown_command: "コマンド「{command}」はありません。",
  usage_bad_option: "オプションが正しくありません：{detail}",
  usage_missing: "{option} を指定してください。",
  usage_bad_value: "{option} の値「{value}」は正しくありません（{expected}）。",

  label_error: "エラー",
  label_todo: "対処",
  label_code: "エラーコード",

  p_keygen: "鍵を作成しています（この鍵はこのパソコンの外には出ません）",
  p_cacerts: "金融機関のCA証明書を取得しています",
  p_csrattrs: "発行の条件を確認しています",
  p_enroll: "電子証明書を発行しています",
  p_reenroll: "電子証明書を更新しています",
  p_confirm: "新しい電子証明書をサーバーで有効にしています",
  p_ocsp: "電子証明書の状態を確認しています（OCSP）",
  p_done: "完了",

  ask_passphrase: "証明書ストアのパスフレーズ: ",
  ask_new_passphrase: "証明書ストアの新しいパスフレーズ（8文字以上）: ",
  ask_again: "確認のため、もう一度入力してください: ",
  ask_password: "ログインパスワード（{loginId}）: ",
  ask_otp: "ワンタイムパスワード: ",
  ask_p12_password: "PKCS#12ファイルのパスワード: ",
  what_passphrase: "証明書ストアのパスフレーズ",
  what_password: "ログインパスワード",
  what_otp: "ワンタイムパスワード",
  what_p12_password: "PKCS#12ファイルのパスワード",

  result_title_issue: "証明書発行結果",
  result_title_renew: "証明書更新結果",
  result_done_issue: "電子証明書の発行とインストールが完了しました。",
  result_done_issue_stored: "電子証明書の発行が完了しました（このアプリの証明書ストアに保存しました）。",
  result_done_renew: "電子証明書の更新が完了しました。以前の電子証明書（シリアル番号 {old}）は更新済みとなり、今後は利用できません。",
  result_resumed: "中断されていた手続きを再開し、サーバーが署名済みの同じ電子証明書を受け取りました。",
  result_validity_note: "電子証明書の有効期限は {notAfter} です。{opensAt} から更新できます。",
  result_next: "ブラウザで利用するには `inkan-app install` を実行してください（このパソコンの証明書ストアに、持ち出せない鍵として登録します）。",
  field_org: "Organization",
  field_ou: "Organization Unit",
  field_cn: "Common Name",
  field_serial: "証明書シリアル番号",
  field_validity: "有効期間",
  field_renewal: "更新開始日時",
  field_bank: "金融機関",
  field_state: "状態",

  list_empty: "証明書ストア（{store}）に電子証明書はありません。`inkan-app issue` で発行してください。",
  list_header: "証明書一覧（{store}）",
  state_valid: "有効（{from} から更新できます）",
  state_renewable: "更新可（{until} まで）— `inkan-app renew {n}` で更新してください",
  state_expired: "有効期限切れ — `inkan-app issue` で新しく発行してください",
  state_revoked: "失効済み — `inkan-app issue` で新しく発行してください",
  state_superseded: "更新済み（利用できません）— `inkan-app delete {n}` で削除できます",
  state_unconfirmed: "有効化待ち — 同じコマンド（issue または renew）をもう一度実行すると完了します",
  state_unknown: "サーバーに登録がありません",
  state_unchecked: "未確認（{reason}）",
  state_offline: "オフライン表示",
  list_in_progress: "更新手続きが中断されています — `inkan-app renew {n}` を実行すると同じ更新を完了します",

  export_weakens: "注意：書き出したファイルとそのパスワードがあれば、このパソコン以外でもこの電子証明書でログインできます。証明書がこのパソコンだけで使えるという守りが弱まります。ファイルは人に渡さず、使い終わったら削除してください。",
  ask_export_confirm: "書き出す場合は yes と入力してください: ",
  err_export_unconfirmed: "書き出しは確認されなかったため、行いませんでした。",
  hint_export_unconfirmed: "書き出す場合は、端末で yes と入力するか、--yes を付けて実行してください。",
  export_done: "{file} に書き出しました（{cipher}）。パスワードはファイルとは別に保管してください。",
  export_cipher_modern: "AES-256-CBC・PBKDF2・HMAC-SHA256：Windows 10 以降、macOS、OpenSSL 3、NSS で読み込めます",
  export_cipher_legacy: "3DES・HMAC-SHA1：古い Windows 向け",
  export_warn_not_valid: "注意：この電子証明書は「{state}」のため、ログインには使えません。",
  install_created_db: "NSSデータベース {dir} を作成しました。",
  install_done: "NSSデータベース {dir} に電子証明書「{cn}」を登録し、金融機関のルート証明書「{root}」をクライアント証明書の発行元として信頼しました（T,,）。",
  install_note: "ブラウザ（Chromium・Firefox）をすべて閉じてから開き直してください。",
  install_done_windows: "Windows の証明書ストア（現在のユーザー ＞ 個人、{where}）に電子証明書「{cn}」を、金融機関の発行元（中間）証明書とともに登録しました。秘密鍵はエクスポートできない設定のため、このパソコンから持ち出せません。ルート証明書は登録していません。",
  install_note_windows: "Edge・Chrome のウィンドウをすべて閉じてから開き直してください。",
  install_done_macos: "ログインキーチェーン（{where}）に電子証明書「{cn}」を、金融機関の発行元（中間）証明書とともに登録しました。秘密鍵は書き出せない設定のため、この Mac から持ち出せません。ルート証明書は登録していません。",
  install_note_macos: "ブラウザを開き直してください。初めてログインするときに鍵の使用の許可を求められたら、Mac のログインパスワードを入力して「常に許可」を選んでください。",
  delete_done: "削除しました：{subject}（{state}）",
  delete_nothing: "削除できる古い電子証明書（更新済み・有効期限切れ・失効済み）はありません。",
  delete_os_removed: "  {where} からも削除しました。",
  warn_os_remove_failed: "注意：{where} からは削除できませんでした（{reason}）。{byHand}",
  by_hand_windows: "Edge の 設定 →「プライバシー、検索、サービス」→ 証明書の管理 → 個人 で「{cn}」を選んで削除してください。",
  by_hand_macos: "「キーチェーンアクセス」のログインキーチェーンで「{cn}」を削除してください。",
  by_hand_nss: "`certutil -F -n \"{cn}\" -d sql:{where}` で削除できます。",
  warn_status: "状態を確認できませんでした（{reason}）。表示は手元の情報によります。",

  gui_opening: "証明書発行アプリの画面をブラウザで開きます：{url}",
  gui_open_yourself: "ブラウザで次のアドレスを開いてください（一度だけ使えます）：{url}",
  gui_how_to_end: "終了するには、画面の「閉じる」ボタンを押すか、ここで Ctrl-C を押してください。",
  gui_closed: "証明書発行アプリを終了しました。",

  err_unreachable: "サーバー {server} に接続できません（{reason}）。",
  hint_unreachable: "ネットワーク接続とサーバーのアドレス（--server）をご確認のうえ、しばらくしてから再度お試しください。途中まで進んだ手続きは、同じコマンドを再実行すると続きから行います。",
  err_timeout: "サーバー {server} が {seconds} 秒以内に応答しませんでした。",
  err_untrusted: "サーバー {server} のTLS証明書を検証できません（{reason}）。",
  hint_untrusted: "金融機関から案内されたサーバーのCA証明書を --ca-file（または環境変数 INKAN_APP_CA_FILE）で指定してください。",
  err_protocol: "サーバーの応答を理解できません（{detail}）。",
  hint_protocol: "--server のURLが金融機関から案内されたものかご確認ください。解決しない場合は金融機関にお問い合わせください。",
  err_server_failure: "サーバーで障害が発生しました（HTTP {status}）。{message}",
  hint_later: "しばらくしてから同じコマンドを再実行してください。途中まで進んだ手続きは続きから行います。",
  err_answer_mismatch: "サーバーから受け取った電子証明書が、このアプリで作成した鍵と一致しません。",
  hint_unknown_bank: "--bank の指定（金融機関から案内された識別子）と --server のURLをご確認ください。",
  hint_login: "ログインIDとログインパスワードをご確認のうえ、再度実行してください。一定回数誤るとログインIDが利用停止になります。",
  hint_locked: "マスターユーザまたは管理者ユーザに利用停止の解除を依頼してください（マスターユーザはお取引店へ）。",
  hint_contract: "お取引店にお問い合わせください。",
  hint_otp: "お手元のトークン（認証アプリ）に表示されている最新のワンタイムパスワードで、もう一度実行してください。",
  hint_otp_enrol: "ポータルにログインしてワンタイムパスワードを登録してから、もう一度実行してください。",
  hint_expired: "有効期限が切れた電子証明書は更新できません。`inkan-app issue --server {server} --bank {bank} --login-id {loginId}` で新しい電子証明書を発行してください。",
  hint_revoked: "`inkan-app issue --server {server} --bank {bank} --login-id {loginId}` で新しい電子証明書を発行してください。",
  hint_superseded: "この電子証明書はすでに更新されています。`inkan-app list` で最新の電子証明書をご確認ください。",
  hint_already_valid: "有効な電子証明書がすでに発行されています。このパソコンにあれば `inkan-app renew` で更新してください。別のパソコンにある場合や紛失した場合は、管理者ユーザ（またはマスターユーザ）に失効を依頼するか、ご自身で失効してから発行してください。",
  hint_not_open: "更新できる期間になってから `inkan-app renew` を実行してください。現在の電子証明書はそのままご利用いただけます。",
  hint_grace: "管理者ユーザに再発行（初期化）を依頼してください（マスターユーザはお取引店へ）。",
  hint_retry: "同じコマンドをもう一度実行してください。",
  hint_bank_support: "解決しない場合は金融機関にお問い合わせください。",

  err_passphrase_wrong: "証明書ストアのパスフレーズが正しくありません。",
  hint_passphrase_wrong: "正しいパスフレーズでもう一度実行してください（環境変数 INKAN_APP_PASSPHRASE でも指定できます）。パスフレーズを忘れた場合、保存された鍵は取り出せません：新しく発行してください。",
  err_passphrase_short: "パスフレーズは8文字以上にしてください。",
  err_passphrase_mismatch: "2回の入力が一致しません。",
  err_store_busy: "証明書ストア（{dir}）は別の inkan-app（プロセス {pid}）が使用中です。",
  hint_store_busy: "その処理が終わってから再度実行してください。",
  err_store_damaged: "証明書ストアのファイル {file} を読めません（{reason}）。",
  hint_store_damaged: "ファイルの内容をご確認ください。このファイルを別の場所に移すと、残りの電子証明書は引き続き使えます。",
  err_no_cert: "証明書ストア（{store}）に利用できる電子証明書がありません。",
  hint_issue: "`inkan-app issue --server URL --bank 金融機関ID --login-id ログインID` で発行してください。",
  err_no_match: "「{selection}」に当てはまる電子証明書がありません。",
  err_ambiguous: "電子証明書が複数あります。どれを対象にするか指定してください。",
  hint_select: "`inkan-app list` に表示される番号、シリアル番号、またはログインIDで指定してください。",
  err_local_expired: "この電子証明書（{cn}）は {notAfter} に有効期限が切れています。",
  err_local_superseded: "この電子証明書（{cn}）はすでに更新済みです（新しい電子証明書のシリアル番号 {serial}）。",
  err_local_revoked: "この電子証明書（{cn}）は失効しています。",
  err_no_secret: "{what}が標準入力にありません。",
  hint_no_secret: "端末から実行するか、必要な値を標準入力に1行ずつ渡してください（順序は docs/issuing-app.md を参照）。",
  err_not_confirmed: "新しい電子証明書（シリアル番号 {serial}）は保存しましたが、サーバーで切り替わったことを確認できませんでした。",
  hint_not_confirmed: "現在の電子証明書は引き続きご利用いただけます。`inkan-app renew` をもう一度実行すると、同じ更新を完了します。",
  err_renewal_lost: "この更新で受け取った電子証明書（シリアル番号 {serial}）は、別の手続きで置き換えられたか失効しています。",
  hint_renewal_lost: "`inkan-app list` で状態をご確認ください。必要であれば `inkan-app renew` をもう一度実行してください。",
  err_tool_missing: "{tool} が見つかりません。",
  hint_tool_missing: "NSSのツールをインストールしてください（Debian・Ubuntu：sudo apt install libnss3-tools）。",
  err_tool_failed: "{tool} が失敗しました：{detail}",
  hint_nss_password: "NSSデータベースにパスワードを設定している場合は、環境変数 INKAN_APP_NSS_PASSWORD で指定してください。ブラウザを閉じてから再度実行してください。",
  hint_powershell_missing: "Windows PowerShell（powershell.exe）は Windows に標準で含まれています。見つからない場合は、会社のシステム管理者にご相談ください。解決したら `inkan-app install` をもう一度実行してください。",
  hint_powershell_failed: "会社のポリシーで PowerShell や証明書の登録が制限されている場合があります。表示された内容を添えて会社のシステム管理者にご相談のうえ、`inkan-app install` をもう一度実行してください。電子証明書はこのアプリの証明書ストアに保存されています。",
  hint_security_missing: "security コマンド（/usr/bin/security）は macOS に標準で含まれています。PATH をご確認のうえ、`inkan-app install` をもう一度実行してください。",
  hint_security_failed: "ログインキーチェーンがロックされている場合は「キーチェーンアクセス」で解除してから、`inkan-app install` をもう一度実行してください。電子証明書はこのアプリの証明書ストアに保存されています。",
  err_file_exists: "ファイル {file} はすでにあります。",
  hint_file_exists: "別のファイル名を指定するか、--force を付けて上書きしてください。",
  err_file_write: "ファイル {file} に書き込めません（{reason}）。",
  hint_file_write: "書き込み先のフォルダと権限をご確認ください。",
  err_delete_valid: "この電子証明書（{cn}）はまだ有効です。削除すると、このパソコンからこの電子証明書でログインできなくなります。",
  hint_delete_valid: "本当に削除する場合は --force を付けて実行してください。",
  err_p12_password_empty: "PKCS#12ファイルのパスワードを入力してください（空にはできません）。",
  err_unexpected: "予期しないエラーが発生しました：{detail}",
  hint_unexpected: "環境変数 INKAN_APP_DEBUG=1 を付けて再実行し、表示内容を添えてお問い合わせください。",
  err_interrupted: "中断しました。",
  hint_interrupted: "途中まで進んだ手続きは、同じコマンドを再実行すると続きから行います。",
} as const;

export type MessageKey = keyof typeof ja;

const en: Record<MessageKey, string> = {
  usage: `inkan-app — the issuing app: issue, renew and export your client certificate

Usage:
  inkan-app [gui] [--server URL] [--bank BANK] [--no-browser]
                  issue, renew and delete on screens in the browser (also without arguments)
  inkan-app issue --server URL --bank BANK --login-id ID [--key rsa2048|p256]
                  [--ca-file FILE] [--renewal-window P30D] [--install]
  inkan-app list [--offline] [--json]
  inkan-app renew [NUMBER|SERIAL|LOGIN-ID] [--install]
  inkan-app export --p12 FILE [NUMBER|SERIAL|LOGIN-ID] [--legacy] [--force] [--yes]
  inkan-app install [--nss [DIR]] [--cert NUMBER|SERIAL|LOGIN-ID]
                  (default: Windows the personal certificate store, macOS the login keychain,
                  Linux ~/.pki/nssdb)
  inkan-app delete [NUMBER|SERIAL|LOGIN-ID] [--force]

Options for every command:
  --store DIR     where the certificate store is (default: $XDG_DATA_HOME/inkan-app or
                  ~/.local/share/inkan-app; environment INKAN_APP_STORE)
  --ca-file FILE  the CA that signed the server's TLS certificate (default: the system's CAs;
                  environment INKAN_APP_CA_FILE)
  --timeout SEC   how long to wait for the server (default 60)
  --lang ja|en    language (default: from LC_ALL / LC_MESSAGES / LANG)
  --json          results as JSON (issue, renew, list)

Passwords are asked without echo on a terminal. Scripts give them on standard input, one per line
(the order is in docs/issuing-app.md). The store passphrase may also come
from INKAN_APP_PASSPHRASE.`,
  usage_hint: "See `inkan-app --help`.",
  usage_unknown_command: "There is no command \"{command}\".",
  usage_bad_option: "Invalid option: {detail}",
  usage_missing: "Please give {option}.",
  usage_bad_value: "The value \"{value}\" of {option} is not valid ({expected}).",

  label_error: "Error",
  label_todo: "What to do",
  label_code: "error code",

  p_keygen: "Making the key pair (the private key never leaves this computer)",
  p_cacerts: "Fetching the bank's CA certificates",
  p_csrattrs: "Checking what the bank requires",
  p_enroll: "Issuing the certificate",
  p_reenroll: "Renewing the certificate",
  p_confirm: "Activating the new certificate at the server",
  p_ocsp: "Checking certificate status (OCSP)",
  p_done: "done",

  ask_passphrase: "Certificate store passphrase: ",
  ask_new_passphrase: "New certificate store passphrase (8 characters or more): ",
  ask_again: "Once more, to confirm: ",
  ask_password: "Login password ({loginId}): ",
  ask_otp: "One-time password: ",
  ask_p12_password: "Password for the PKCS#12 file: ",
  what_passphrase: "The certificate store passphrase",
  what_password: "The login password",
  what_otp: "The one-time password",
  what_p12_password: "The PKCS#12 password",

  result_title_issue: "Certificate issuance result",
  result_title_renew: "Certificate renewal result",
  result_done_issue: "The certificate has been issued and installed.",
  result_done_issue_stored: "The certificate has been issued (and kept in this app's certificate store).",
  result_done_renew: "The certificate has been renewed. The previous certificate (serial {old}) is superseded and can no longer be used.",
  result_resumed: "The interrupted request was resumed: this is the same certificate the server had already signed.",
  result_validity_note: "The certificate expires on {notAfter}. It can be renewed from {opensAt}.",
  result_next: "To use it in a browser, run `inkan-app install` (it goes into this computer's certificate store, with a key that cannot be taken out).",
  field_org: "Organization",
  field_ou: "Organization Unit",
  field_cn: "Common Name",
  field_serial: "Serial number",
  field_validity: "Validity",
  field_renewal: "Renewal opens",
  field_bank: "Bank",
  field_state: "State",

  list_empty: "There are no certificates in the store ({store}). Issue one with `inkan-app issue`.",
  list_header: "Certificates ({store})",
  state_valid: "valid (renewable from {from})",
  state_renewable: "renewable (until {until}) — renew it with `inkan-app renew {n}`",
  state_expired: "expired — issue a new one with `inkan-app issue`",
  state_revoked: "revoked — issue a new one with `inkan-app issue`",
  state_superseded: "superseded (cannot be used) — remove it with `inkan-app delete {n}`",
  state_unconfirmed: "waiting for activation — run the same command (issue or renew) again to finish",
  state_unknown: "not known to the server",
  state_unchecked: "not checked ({reason})",
  state_offline: "offline",
  list_in_progress: "a renewal was interrupted — `inkan-app renew {n}` finishes the same renewal",

  export_weakens: "Note: with the exported file and its password this certificate can log in from any PC, not only this one. That weakens the promise that the certificate works from this PC only. Do not hand the file to anyone and delete it once used.",
  ask_export_confirm: "Type yes to export: ",
  err_export_unconfirmed: "The export was not confirmed, so nothing was written.",
  hint_export_unconfirmed: "To export, type yes on a terminal or run the command with --yes.",
  export_done: "Wrote {file} ({cipher}). Keep the password apart from the file.",
  export_cipher_modern: "AES-256-CBC, PBKDF2, HMAC-SHA256: Windows 10 and later, macOS, OpenSSL 3, NSS",
  export_cipher_legacy: "3DES, HMAC-SHA1: for old Windows",
  export_warn_not_valid: "Note: this certificate is \"{state}\" and cannot be used to log in.",
  install_created_db: "Created the NSS database {dir}.",
  install_done: "Imported the certificate \"{cn}\" into the NSS database {dir} and trusted the bank's root \"{root}\" as an issuer of client certificates (T,,).",
  install_note: "Close every Chromium and Firefox window and open the browser again.",
  install_done_windows: "Installed the certificate \"{cn}\", with the bank's issuing (intermediate) CA, into the Windows certificate store (Current User > Personal, {where}). Its private key is marked not exportable, so it cannot be taken off this PC. No root certificate was installed.",
  install_note_windows: "Close every Edge and Chrome window and open the browser again.",
  install_done_macos: "Installed the certificate \"{cn}\", with the bank's issuing (intermediate) CA, into the login keychain ({where}). Its private key is marked not extractable, so it cannot be taken off this Mac. No root certificate was installed.",
  install_note_macos: "Open the browser again. When the first login asks to allow the use of the key, enter your Mac login password and choose Always Allow.",
  delete_done: "Deleted: {subject} ({state})",
  delete_nothing: "There is no old certificate (superseded, expired or revoked) to delete.",
  delete_os_removed: "  Also removed from {where}.",
  warn_os_remove_failed: "Note: it could not be removed from {where} ({reason}). {byHand}",
  by_hand_windows: "In Edge, Settings → Privacy, search, and services → Manage certificates → Personal: select \"{cn}\" and remove it.",
  by_hand_macos: "Delete \"{cn}\" from the login keychain in Keychain Access.",
  by_hand_nss: "`certutil -F -n \"{cn}\" -d sql:{where}` removes it.",
  warn_status: "Could not check the state ({reason}); what is shown comes from this computer only.",

  gui_opening: "Opening the issuing app's screens in the browser: {url}",
  gui_open_yourself: "Open this address in the browser (it works once): {url}",
  gui_how_to_end: "To end, press Close on the screen, or Ctrl-C here.",
  gui_closed: "The issuing app has closed.",

  err_unreachable: "Cannot connect to the server {server} ({reason}).",
  hint_unreachable: "Check the network connection and the server address (--server), then try again later. A request that was under way continues where it stopped when you run the same command again.",
  err_timeout: "The server {server} did not answer within {seconds} seconds.",
  err_untrusted: "The TLS certificate of the server {server} cannot be verified ({reason}).",
  hint_untrusted: "Give the server's CA certificate from your bank with --ca-file (or the environment variable INKAN_APP_CA_FILE).",
  err_protocol: "The server's answer cannot be understood ({detail}).",
  hint_protocol: "Check that --server is the URL your bank gave you. If it still fails, please contact your bank.",
  err_server_failure: "The server failed (HTTP {status}). {message}",
  hint_later: "Run the same command again later; a request that was under way continues where it stopped.",
  err_answer_mismatch: "The certificate the server sent does not match the key this app made.",
  hint_unknown_bank: "Check --bank (the identifier your bank gave you) and the --server URL.",
  hint_login: "Check the login ID and login password and try again. Too many wrong passwords lock the login ID.",
  hint_locked: "Ask your master user or an administrator to unlock it (a master user asks the bank).",
  hint_contract: "Please contact your branch.",
  hint_otp: "Run the command again with the newest one-time password your token (authenticator app) shows.",
  hint_otp_enrol: "Log in to the portal and register your one-time password, then run the command again.",
  hint_expired: "An expired certificate cannot be renewed. Issue a new one with `inkan-app issue --server {server} --bank {bank} --login-id {loginId}`.",
  hint_revoked: "Issue a new one with `inkan-app issue --server {server} --bank {bank} --login-id {loginId}`.",
  hint_superseded: "This certificate has already been renewed. See the newest one with `inkan-app list`.",
  hint_already_valid: "A valid certificate has already been issued. If it is on this computer, renew it with `inkan-app renew`. If it is on another computer or lost, ask an administrator (or the master user) to revoke it, or revoke it yourself, then issue again.",
  hint_not_open: "Run `inkan-app renew` once renewal opens. Your current certificate keeps working until then.",
  hint_grace: "Ask an administrator to reset your certificate (a master user asks the bank).",
  hint_retry: "Run the same command again.",
  hint_bank_support: "If it still fails, please contact your bank.",

  err_passphrase_wrong: "The certificate store passphrase is not correct.",
  hint_passphrase_wrong: "Run again with the right passphrase (it may also come from INKAN_APP_PASSPHRASE). Without the passphrase the stored keys cannot be used: issue a new certificate.",
  err_passphrase_short: "The passphrase must have 8 characters or more.",
  err_passphrase_mismatch: "The two entries differ.",
  err_store_busy: "The certificate store ({dir}) is in use by another inkan-app (process {pid}).",
  hint_store_busy: "Run again when that one has finished.",
  err_store_damaged: "The store file {file} cannot be read ({reason}).",
  hint_store_damaged: "Check the file. Moving it out of the store lets the other certificates work.",
  err_no_cert: "There is no usable certificate in the store ({store}).",
  hint_issue: "Issue one with `inkan-app issue --server URL --bank BANK --login-id ID`.",
  err_no_match: "No certificate matches \"{selection}\".",
  err_ambiguous: "There are several certificates; please say which one.",
  hint_select: "Give the number `inkan-app list` shows, the serial number, or the login ID.",
  err_local_expired: "This certificate ({cn}) expired on {notAfter}.",
  err_local_superseded: "This certificate ({cn}) has already been renewed (the new one has serial {serial}).",
  err_local_revoked: "This certificate ({cn}) has been revoked.",
  err_no_secret: "{what} is missing on standard input.",
  hint_no_secret: "Run it from a terminal, or give the values on standard input, one per line (the order is in docs/issuing-app.md).",
  err_not_confirmed: "The new certificate (serial {serial}) is stored, but the server has not been seen switching to it.",
  hint_not_confirmed: "Your current certificate still works. Run `inkan-app renew` again to finish the same renewal.",
  err_renewal_lost: "The certificate this renewal received (serial {serial}) has been replaced by another request or revoked.",
  hint_renewal_lost: "See `inkan-app list`; if needed, run `inkan-app renew` again.",
  err_tool_missing: "{tool} was not found.",
  hint_tool_missing: "Install the NSS tools (Debian, Ubuntu: sudo apt install libnss3-tools).",
  err_tool_failed: "{tool} failed: {detail}",
  hint_nss_password: "If the NSS database has a password, give it in INKAN_APP_NSS_PASSWORD. Close the browser and try again.",
  hint_powershell_missing: "Windows PowerShell (powershell.exe) comes with Windows. If it cannot be found, ask your company's IT administrator; then run `inkan-app install` again.",
  hint_powershell_failed: "Your company's policy may restrict PowerShell or adding certificates. Ask your IT administrator, with what is shown above, then run `inkan-app install` again. The certificate is kept in this app's certificate store.",
  hint_security_missing: "The security command (/usr/bin/security) comes with macOS. Check PATH, then run `inkan-app install` again.",
  hint_security_failed: "If the login keychain is locked, unlock it in Keychain Access, then run `inkan-app install` again. The certificate is kept in this app's certificate store.",
  err_file_exists: "The file {file} already exists.",
  hint_file_exists: "Choose another file name, or add --force to overwrite it.",
  err_file_write: "Cannot write the file {file} ({reason}).",
  hint_file_write: "Check the folder and its permissions.",
  err_delete_valid: "This certificate ({cn}) is still valid. Deleting it means you cannot log in with it from this computer.",
  hint_delete_valid: "Add --force if you really mean to delete it.",
  err_p12_password_empty: "Please give a password for the PKCS#12 file (it cannot be empty).",
  err_unexpected: "An unexpected error occurred: {detail}",
  hint_unexpected: "Run again with the environment variable INKAN_APP_DEBUG=1 and send what it prints to your bank's support.",
  err_interrupted: "Interrupted.",
  hint_interrupted: "A request that was under way continues where it stopped when you run the same command again.",
};

const tables: Record<Locale, Record<MessageKey, string>> = { ja, en };

export type Params = Record<string, string | number>;

/** The locale from --lang, else LC_ALL, LC_MESSAGES, LANG (the POSIX order); Japanese for ja*, else English. */
/**
 * Japanese unless English is asked for: by --lang, else by LC_ALL / LC_MESSAGES / LANG, else (where
 * those are unset or "C", as on Windows) by the operating system's language as Intl reports it.
 */
export function detectLocale(env: NodeJS.ProcessEnv, explicit?: string, osLocale: string = Intl.DateTimeFormat().resolvedOptions().locale): Locale {
  if (explicit === "ja" || explicit === "en") return explicit;
  const v = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((x) => x && x !== "C" && x !== "POSIX" && !/^C\./.test(x)) ?? osLocale;
  return /^en/i.test(v) ? "en" : "ja";
}

export class Messages {
  constructor(readonly locale: Locale) {}
  t(key: MessageKey, p: Params = {}): string {
    return tables[this.locale][key].replace(/\{(\w+)\}/g, (_, k: string) => (p[k] === undefined ? `{${k}}` : String(p[k])));
  }
}
