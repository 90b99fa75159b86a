// Small helpers every panel draws with; nothing here ever parses HTML.
export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child != null) node.append(child);
  return node;
}

/** All but the last four digits hidden, as the page shows numbers. */
export const maskPhone = (phone) => phone.replace(/\d(?=(?:\D*\d){4})/g, '•');
