export { tr, type Text, type TextTable } from "../../i18n/text.js";
