export interface Form {
  name: string;
  age: number;
  email: string;
}

export function isValid(form: Form): boolean {
  return form.name.trim().length > 0 && form.age >= 18 && form.email.includes('@');
}
