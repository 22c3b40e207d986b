import type { Text } from "./text.js";

/**
 * ヘルプ (BHLP001): the seeds' troubleshooting (Q&A 4-8, 4-9, 4-14, 4-15 and the Edge/Chrome
 * manual's deletion steps) in our words. {issuer} is the bank's issuing CA as Windows shows it in
 * the 発行者 column.
 */
export const H = {
  deleteHeading: { ja: "古い電子証明書を削除するには（Microsoft Edge）", en: "Deleting old certificates (Microsoft Edge)" },
  deleteLead: { ja: "同じログインIDの電子証明書が複数ある場合、有効期限が最も新しいものが有効な電子証明書です。古いものは次の手順で削除できます。", en: "If one login ID has several certificates, the one with the latest expiry is the valid one. Old ones can be deleted as follows." },
  deleteStep1: { ja: "Microsoft Edge の画面右上の「…」（設定など）から「設定」を選びます。", en: "In Microsoft Edge, open \"...\" (Settings and more) at the top right and choose Settings." },
  deleteStep2: { ja: "左側のメニューから「プライバシー、検索、サービス」を選び、「証明書の管理」を押します。「証明書」の画面が表示されます。", en: "In the menu on the left choose \"Privacy, search, and services\", then \"Manage certificates\". The Certificates window opens." },
  deleteStep3: { ja: "「個人」タブを選びます。この一覧にあるのが、パソコンにログインしているご本人の電子証明書です。", en: "Choose the Personal tab. It lists the certificates of the person logged in to this PC." },
  deleteStep4: { ja: "発行者が「{issuer}」の証明書のうち、発行先にご自身のログインIDがあり、有効期限が古いものを選んで「削除」を押し、確認の画面で「はい」を押します。", en: "Among the certificates issued by \"{issuer}\", choose one whose Issued To shows your login ID and whose expiry is older, press Remove, then Yes." },
  deleteStep5: { ja: "削除が終わったら「閉じる」を押し、ブラウザをすべて閉じてください。", en: "When done, press Close and close all browser windows." },
  deleteChrome: { ja: "Google Chrome の場合は、設定 →「プライバシーとセキュリティ」→「セキュリティ」→「証明書の管理」から同じ「証明書」の画面を開けます。", en: "In Google Chrome, Settings → Privacy and security → Security → Manage certificates opens the same Certificates window." },
  deleteWarning: { ja: "利用中の電子証明書を誤って削除するとログインできなくなります。削除する前に、ログインIDと有効期限を十分ご確認ください。誤って削除した場合は、マスターユーザまたは管理者ユーザに証明書失効を依頼してから、ログイン画面の「電子証明書発行」で取得し直してください。", en: "Deleting the certificate in use stops you from logging in: check the login ID and expiry first. If it happens, ask your master user or an administrator to revoke it, then acquire a new one with Certificate issuance on the login screen." },

  expiredStayHeading: { ja: "有効期限が切れた電子証明書は自動的に削除されますか", en: "Are expired certificates removed automatically?" },
  expiredStay: { ja: "いいえ。一度インストールした電子証明書は、有効期限が切れてもパソコン（ブラウザ）から自動的には削除されず、ログイン時の証明書の選択画面にも表示され続けます。選択画面ではログインIDと有効期限を確認して最新のものを選び、不要になったものは上の手順で削除してください。", en: "No. An installed certificate stays on the PC (and in the browser) after it expires, and still appears when the browser asks you to choose one. Choose the newest one with your login ID, and delete the old ones as described above." },

  networkHeading: { ja: "ドメインの変更や社内LANの回線変更をした場合", en: "After a domain or office network change" },
  network: { ja: "ドメインの変更や社内LANの回線変更の後も、通常はそのまま電子証明書でログインできます。電子証明書は、パソコンにログインしているWindowsのユーザごとに保存されています。", en: "After a change of domain or of the office network you can usually keep logging in with your certificate. Certificates are kept per Windows user of the PC." },
  networkProfile: { ja: "ドメインの変更などでWindowsにログインするユーザ（プロファイル）が変わると、電子証明書は以前のユーザに残り、選択できなくなります。社内のプロキシなどが電子証明書による接続を中継しない場合も、認証できなくなります（社内のネットワーク管理者にご確認ください）。", en: "If the change gives you a new Windows user (profile), the certificate stays with the old one and can no longer be chosen. A company proxy that does not pass certificate connections through also stops authentication (ask your network administrator)." },
  networkWayOut: { ja: "そのような場合は、マスターユーザまたは管理者ユーザに証明書失効を依頼し、ログイン画面の「電子証明書発行」から取得し直してください（マスターユーザご自身の証明書は、お取引店での書面によるお手続きとなる場合があります）。", en: "In that case, ask your master user or an administrator to revoke the certificate and acquire a new one with Certificate issuance on the login screen (a master user's own may need a paper form at the bank)." },

  garbledHeading: { ja: "証明書発行結果の画面が文字化けしているとき", en: "The issuance result screen shows garbled characters" },
  garbled: { ja: "「証明書発行結果」画面の一部が文字化けしている場合は、通信の途中でエラーが起きて、電子証明書が正しく受け取れていない可能性があります。ブラウザの「更新」（再読み込み）ボタンを押して、もう一度「発行」を押してください。まだ使われていない電子証明書は、新しいものに置き換わります。それでも直らない場合は、ブラウザをすべて閉じ、ログイン画面の「電子証明書発行」からやり直してください。", en: "If part of the Certificate issuance: result screen is garbled, an error may have cut the connection before the certificate arrived. Press the browser's reload button and press Issue again; a certificate not yet used is replaced by the new one. If that does not help, close all browser windows and start again with Certificate issuance on the login screen." },
} satisfies Record<string, Text>;
