/**
 * Splits a message around each occurrence of the user's query, so the page can isolate the query in
 * `<bdi>`: a right-to-left query (Arabic, Hebrew) quoted inside an English sentence otherwise takes the
 * neighbouring quotes and punctuation into its own direction and the sentence reads scrambled.
 */
export interface MessagePart {
  text: string;
  isQuery: boolean;
}

export function isolateQuery(message: string, query: string): MessagePart[] {
  if (query === '') return [{ text: message, isQuery: false }];
  const parts: MessagePart[] = [];
  let at = 0;
  for (let found = message.indexOf(query); found >= 0; found = message.indexOf(query, at)) {
    if (found > at) parts.push({ text: message.slice(at, found), isQuery: false });
    parts.push({ text: query, isQuery: true });
    at = found + query.length;
  }
  if (at < message.length) parts.push({ text: message.slice(at), isQuery: false });
  return parts;
}
