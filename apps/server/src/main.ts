import 'reflect-metadata';
import { x } from '@hoplab/simulator';
import { NestFactory } from '@nestjs/core';
import { Module, Controller, Get } from '@nestjs/common';
@Controller() class A { @Get('x') x() { return { ok: 1 }; } }
@Module({ controllers: [A] }) class M {}
async function main() { const app = await NestFactory.create(M); await app.listen(3999); console.log('up', x); await app.close(); }
void main();
