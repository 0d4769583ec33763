export interface Form {
  name: string;
  age: number;
  email: string;
}

export function isValid(form: Form): boolean {
  if (form.name.trim().length > 0) {
    if (form.age >= 18) {
      if (form.email.includes('@')) {
        return true;
      } else {
        return false;
      }
    } else {
      return false;
    }
  } else {
    return false;
  }
}
