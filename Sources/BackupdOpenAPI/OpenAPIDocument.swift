/// Placeholder while the target is written.
enum OpenAPIDocumentPlaceholder {}
